import type { IncomingHttpHeaders } from 'node:http';

/** Node's header object as Fetch `Headers`, without HTTP/2 pseudo-headers. */
export function toFetchHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key']);

/**
 * A credential header sent more than once, or undefined. Node keeps only the first `Authorization`
 * in `req.headers` (HTTP/1.1 and HTTP/2 alike), so `Bearer <valid>` + `Bearer junk` would pass
 * as the first: two credentials are ambiguous, and every entry point refuses them (the
 * authenticator does, given this). `rawHeaders` rather than `headersDistinct`: HTTP/2 requests
 * lack the latter.
 */
export function repeatedCredentialHeader(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase() ?? '';
    if (!CREDENTIAL_HEADERS.has(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** The first value of a header, or undefined. */
export function headerValue(incoming: IncomingHttpHeaders, name: string): string | undefined {
  const value = incoming[name];
  return Array.isArray(value) ? value[0] : value;
}
