import type { AttributeContext_HttpRequest } from '../gen/envoy/service/auth/v3/attribute_context_pb.js';

const utf8 = new TextDecoder();

/**
 * The checked request's headers, lower-cased as Envoy sends them: from `headers`, or from
 * `header_map` when the filter runs with `encode_raw_headers: true` (values then come as bytes).
 * A header repeated in `header_map` is joined with commas, as `headers` does.
 */
export function proxiedHeaders(http: AttributeContext_HttpRequest | undefined): Record<string, string> {
  if (!http) return {};
  const entries = http.headerMap?.headers ?? [];
  if (entries.length === 0) return http.headers;
  const headers: Record<string, string> = {};
  for (const { key, value, rawValue } of entries) {
    const name = key.toLowerCase();
    const text = rawValue.length > 0 ? utf8.decode(rawValue) : value;
    headers[name] = headers[name] === undefined ? text : `${headers[name]},${text}`;
  }
  return headers;
}
