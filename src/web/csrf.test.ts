import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../server/http-types.ts';
import { createCsrf } from './csrf.ts';

const request = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as unknown as HttpRequest;

describe('double-submit CSRF tokens', () => {
  it('issue a cookie once per browser and accept the form that echoes it', () => {
    const csrf = createCsrf({ secure: false });
    const first = csrf.issue(request());
    expect(first.setCookie).toMatch(/^semaswift_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const browser = request(`other=1; semaswift_csrf=${first.token}`);
    expect(csrf.issue(browser)).toEqual({ token: first.token, setCookie: undefined });
    expect(csrf.verify(browser, new URLSearchParams({ csrf: first.token }))).toBe(true);
  });

  it('refuse a missing, wrong or cookieless token', () => {
    const csrf = createCsrf({ secure: false });
    const { token } = csrf.issue(request());
    expect(csrf.verify(request(`semaswift_csrf=${token}`), new URLSearchParams())).toBe(false);
    expect(
      csrf.verify(request(`semaswift_csrf=${token}`), new URLSearchParams({ csrf: 'x'.repeat(43) })),
    ).toBe(false);
    expect(csrf.verify(request(), new URLSearchParams({ csrf: token }))).toBe(false);
  });

  it('rotate to a new token that replaces the cookie, refusing the old one', () => {
    const csrf = createCsrf({ secure: false });
    const old = csrf.issue(request()).token;
    const rotated = csrf.rotate();
    expect(rotated.token).not.toBe(old);
    expect(rotated.setCookie).toBe(`semaswift_csrf=${rotated.token}; Path=/; HttpOnly; SameSite=Lax`);
    const browser = request(`semaswift_csrf=${rotated.token}`);
    expect(csrf.verify(browser, new URLSearchParams({ csrf: old }))).toBe(false);
    expect(csrf.verify(browser, new URLSearchParams({ csrf: rotated.token }))).toBe(true);
  });

  it('use a __Host- cookie with Secure under TLS', () => {
    const { setCookie } = createCsrf({ secure: true }).issue(request());
    expect(setCookie).toMatch(/^__Host-semaswift_csrf=.*; Secure$/);
  });
});
