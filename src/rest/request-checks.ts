import type { DescMessage, JsonObject } from '@bufbuild/protobuf';
import { invalidArgument } from '../errors/auth-error.ts';

const TIMESTAMP = 'google.protobuf.Timestamp';
/** RFC 3339 §5.6 date-time, as proto3 JSON writes a Timestamp (a `T` or space, any fraction). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * What the JSON parser lets through but a REST caller must hear about, checked on the request's
 * top-level fields as the proto declares them (Timestamps are normalised in place):
 * - a repeated field sent as `[]`: proto3 cannot tell it from an absent one, so an empty list would
 *   silently mean the default (all of the caller's permissions, the default role);
 * - a Timestamp that is not a real RFC 3339 date-time (`2027-02-30T00:00:00Z` would roll over to
 *   March), named by field rather than as a malformed request.
 */
export function checkRequestJson(message: DescMessage, input: JsonObject): void {
  for (const field of message.fields) {
    const value = input[field.name] ?? input[field.jsonName];
    if (value === undefined || value === null) continue;
    if (field.fieldKind === 'list' && Array.isArray(value) && value.length === 0) {
      throw invalidArgument(`${field.name} must not be empty: leave it out for the default.`);
    }
    if (field.fieldKind === 'message' && field.message.typeName === TIMESTAMP) {
      if (!isDateTime(value)) {
        throw invalidArgument(
          `${field.name} must be an RFC 3339 date-time in UTC or with an offset, such as 2030-01-31T00:00:00Z.`,
        );
      }
      // RFC 3339 allows `t`, `z` and a space where proto3 JSON's parser wants `T` and `Z`.
      const key = field.name in input ? field.name : field.jsonName;
      input[key] = String(value).replace(/[ t]/, 'T').replace(/z$/, 'Z');
    }
  }
}

function isDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60
  );
}
