import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCookieSealer } from './sealed-cookie.ts';

describe('sealed cookies (AES-256-GCM)', () => {
  const sealer = createCookieSealer(randomBytes(32));
  const value = { accessToken: 'eyJhbGciOiJSUzI1NiIs.payload.signature', expiresAt: 1_900_000_000 };

  it('opens what it sealed, cookie-safe, with nothing of the value readable', () => {
    const sealed = sealer.seal('session', value);
    expect(sealed).toMatch(/^[\w-]+$/);
    expect(sealed).not.toContain('eyJ');
    expect(sealer.seal('session', value)).not.toBe(sealed); // a fresh IV each time
    expect(sealer.open('session', sealed)).toEqual(value);
  });

  it('refuses a value sealed for another cookie, tampered with, truncated, or under another key', () => {
    const sealed = sealer.seal('session', value);
    expect(sealer.open('flash', sealed)).toBeUndefined();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    expect(sealer.open('session', bytes.toString('base64url'))).toBeUndefined();
    expect(sealer.open('session', sealed.slice(0, 30))).toBeUndefined();
    expect(createCookieSealer(randomBytes(32)).open('session', sealed)).toBeUndefined();
    expect(sealer.open('session', undefined)).toBeUndefined();
    expect(sealer.open('session', 'not base64url!')).toBeUndefined();
  });
});
