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

/** The first value of a header, or undefined. */
export function headerValue(incoming: IncomingHttpHeaders, name: string): string | undefined {
  const value = incoming[name];
  return Array.isArray(value) ? value[0] : value;
}
