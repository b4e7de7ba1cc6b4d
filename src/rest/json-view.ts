import {
  type DescField,
  type DescMessage,
  getOption,
  hasOption,
  type JsonObject,
  type JsonValue,
} from '@bufbuild/protobuf';
import { json as jsonRule } from '../gen/semaswift/auth/v1/options_pb.js';

/** Whether the field is marked `(semaswift.auth.v1.json).omit_empty`: left out of answers when empty. */
export const omitsWhenEmpty = (field: DescField): boolean =>
  hasOption(field, jsonRule) && getOption(field, jsonRule).omitEmpty;

/**
 * Shapes REST JSON, recursively: every implicit field is present (`"pats": []`), fields marked
 * `(semaswift.auth.v1.json).omit_empty` are left out when empty, and an unset timestamp is `null`
 * (`"last_used_at": null`) rather than a missing key, so clients find every documented field.
 */
export function omitEmptyFields(schema: DescMessage, value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const object = value as JsonObject;
  for (const field of schema.fields) {
    const key = field.name;
    const current = object[key];
    if (current === undefined) {
      if (field.fieldKind === 'message' && field.message.typeName === 'google.protobuf.Timestamp')
        object[key] = null;
      continue;
    }
    if (omitsWhenEmpty(field) && isEmpty(current)) {
      delete object[key];
    } else if (field.message) {
      const nested = field.message;
      object[key] = Array.isArray(current)
        ? current.map((item) => omitEmptyFields(nested, item))
        : omitEmptyFields(nested, current);
    }
  }
  return object;
}

const isEmpty = (value: JsonValue): boolean =>
  value === '' || (Array.isArray(value) && value.length === 0) || value === null;
