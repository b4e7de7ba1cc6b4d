import { type DescMessage, getOption, hasOption, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { json as jsonRule } from '../gen/semaswift/auth/v1/options_pb.js';

/**
 * Removes the fields marked `(semaswift.auth.v1.json).omit_empty` when empty, recursively. REST
 * responses are written with every implicit field present (`"pats": []`); this is the one
 * exception, declared in the proto.
 */
export function omitEmptyFields(schema: DescMessage, value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const object = value as JsonObject;
  for (const field of schema.fields) {
    const key = field.name;
    const current = object[key];
    if (current === undefined) continue;
    if (hasOption(field, jsonRule) && getOption(field, jsonRule).omitEmpty && isEmpty(current)) {
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
