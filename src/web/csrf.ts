import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '../server/http-types.ts';
import { type CookieOptions, readCookies, serializeCookie } from './cookies.ts';

/** The hidden form field that carries the token. */
export const CSRF_FIELD = 'csrf';

export interface Csrf {
  /**
   * The token for a form on the page being rendered, with the `Set-Cookie` to send when the
   * browser had none yet (else undefined).
   */
  issue(req: HttpRequest): { token: string; setCookie: string | undefined };
  /** True when the posted form carries the browser's token. */
  verify(req: HttpRequest, form: URLSearchParams): boolean;
  /**
   * A new token and the `Set-Cookie` that replaces the browser's, for when a session begins or
   * ends: a token seen before signing in (planted, or read over a shoulder) is useless after.
   */
  rotate(): { token: string; setCookie: string };
}

const TOKEN = /^[\w-]{43}$/;

/**
 * Double-submit CSRF protection for our HTML forms (sign-in, consent; the dashboard later): a random
 * token in an HttpOnly, SameSite=Lax cookie, echoed in a hidden field. Another site can neither
 * read the cookie nor make the browser send it with a cross-site POST. One token per browser, so
 * pages open in several tabs all work.
 */
export function createCsrf(options: { secure: boolean }): Csrf {
  // __Host-: a cookie only this exact origin can set, over TLS; without TLS that prefix is refused.
  const name = options.secure ? '__Host-semaswift_csrf' : 'semaswift_csrf';
  const cookie: CookieOptions = { path: '/', secure: options.secure, sameSite: 'Lax' };
  const current = (req: HttpRequest): string | undefined => {
    const value = readCookies(req.headers).get(name);
    return value !== undefined && TOKEN.test(value) ? value : undefined;
  };
  const fresh = () => {
    const token = randomBytes(32).toString('base64url');
    return { token, setCookie: serializeCookie(name, token, cookie) };
  };
  return {
    issue(req) {
      const existing = current(req);
      return existing ? { token: existing, setCookie: undefined } : fresh();
    },
    rotate: fresh,
    verify(req, form) {
      const expected = current(req);
      const posted = form.get(CSRF_FIELD);
      if (!expected || !posted || posted.length !== expected.length) return false;
      return timingSafeEqual(Buffer.from(posted), Buffer.from(expected));
    },
  };
}
