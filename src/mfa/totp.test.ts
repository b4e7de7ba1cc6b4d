import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { matchTotpStep, newTotpSecret, totpUri } from './totp.ts';

// RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** Codes from an independent implementation, so a mistake in how we call otplib cannot hide. */
const codeAt = (secret: string, seconds: number) =>
  OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: seconds * 1000,
  });

describe('TOTP', () => {
  it('matches RFC 6238’s SHA-1 vector (94287082 at T=59, six digits)', async () => {
    expect(codeAt(RFC_SECRET, 59)).toBe('287082');
    expect(await matchTotpStep(RFC_SECRET, '287082', null, 59)).toBe(1);
  });

  it('accepts the previous and next step, and no further', async () => {
    const now = 1_800_000_015;
    const step = Math.floor(now / 30);
    for (const offset of [-1, 0, 1]) {
      expect(await matchTotpStep(RFC_SECRET, codeAt(RFC_SECRET, now + offset * 30), null, now)).toBe(
        step + offset,
      );
    }
    for (const offset of [-2, 2]) {
      expect(
        await matchTotpStep(RFC_SECRET, codeAt(RFC_SECRET, now + offset * 30), null, now),
      ).toBeUndefined();
    }
  });

  it('refuses steps up to the last used one, even when it lies beyond the window', async () => {
    const now = 1_800_000_015;
    const step = Math.floor(now / 30);
    const current = codeAt(RFC_SECRET, now);
    expect(await matchTotpStep(RFC_SECRET, current, step, now)).toBeUndefined();
    expect(await matchTotpStep(RFC_SECRET, current, step - 1, now)).toBe(step);
    expect(await matchTotpStep(RFC_SECRET, codeAt(RFC_SECRET, now + 30), step, now)).toBe(step + 1);
    expect(await matchTotpStep(RFC_SECRET, current, step + 5, now)).toBeUndefined();
  });

  it('refuses anything that is not six digits without asking otplib', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 345']) {
      expect(await matchTotpStep(RFC_SECRET, code, null, 59)).toBeUndefined();
    }
  });

  it('makes 160-bit base32 secrets and an otpauth URL that apps read back', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(OTPAuth.Secret.fromBase32(secret).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);

    const parsed = OTPAuth.URI.parse(totpUri(secret, 'Semaswift', 'ada@example.com'));
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    expect(parsed).toMatchObject({
      issuer: 'Semaswift',
      label: 'ada@example.com',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(parsed.secret.base32).toBe(secret);
  });
});
