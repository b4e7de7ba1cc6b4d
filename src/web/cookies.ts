import type { IncomingHttpHeaders } from 'node:http';

/** The request's cookies by name (the first of duplicates wins, as browsers send the most specific first). */
export function readCookies(headers: IncomingHttpHeaders): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(at + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  path: string;
  /** Seconds; omitted: a session cookie, gone when the browser closes. 0 deletes it. */
  maxAge?: number;
  /** Under TLS (an https issuer). */
  secure: boolean;
  sameSite: 'Strict' | 'Lax';
}

/** A `Set-Cookie` value; always HttpOnly: no script of ours reads cookies (there is none). */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, 'HttpOnly', `SameSite=${options.sameSite}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
