import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTotpSealer } from './totp-sealer.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('TOTP sealer (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const sealer = createTotpSealer(key);

  it('opens what it sealed, with a fresh IV every time and no trace of the secret', () => {
    const a = sealer.seal(SECRET, 'usr_a');
    const b = sealer.seal(SECRET, 'usr_a');
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(12 + 16 + SECRET.length);
    expect(a).not.toContain(SECRET);
    expect(sealer.open(a, 'usr_a')).toBe(SECRET);
  });

  it('refuses a secret moved to another user, tampered with, truncated or sealed under another key', () => {
    const sealed = sealer.seal(SECRET, 'usr_a');
    expect(() => sealer.open(sealed, 'usr_b')).toThrow(/does not open/);
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => sealer.open(bytes.toString('base64url'), 'usr_a')).toThrow(/does not open/);
    expect(() => sealer.open(sealed.slice(0, 20), 'usr_a')).toThrow(/truncated/);
    expect(() => createTotpSealer(randomBytes(32)).open(sealed, 'usr_a')).toThrow(/does not open/);
  });
});
