import { describe, expect, it } from 'vitest';
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.ts';

describe('recovery codes', () => {
  it('are ten distinct xxxxx-xxxxx codes of Crockford base32 (50 bits each)', () => {
    const codes = newRecoveryCodes(10);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('normalise what people type: case, spaces, dashes and look-alike letters', () => {
    expect(normalizeRecoveryCode('ab1c0-xyz23')).toBe('ab1c0xyz23');
    expect(normalizeRecoveryCode(' AB1C0 XYZ23 ')).toBe('ab1c0xyz23');
    expect(normalizeRecoveryCode('abIcO-xyz23')).toBe('ab1c0xyz23');
    expect(normalizeRecoveryCode('abLc0xyz23')).toBe('ab1c0xyz23');
  });

  it('refuse what cannot be one', () => {
    for (const typed of ['', 'ab1c0-xyz2', 'ab1c0-xyz234', 'ab1cu-xyz23', 'ab1c0_xyz23']) {
      expect(normalizeRecoveryCode(typed)).toBeUndefined();
    }
    for (const code of newRecoveryCodes(5)) expect(normalizeRecoveryCode(code)).toBe(code.replace('-', ''));
  });
});
