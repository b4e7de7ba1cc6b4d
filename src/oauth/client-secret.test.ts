import { describe, expect, it } from 'vitest';
import {
  clientSecretMatches,
  generateClientId,
  generateClientSecret,
  hashClientSecret,
} from './client-secret.ts';

describe('client secrets', () => {
  it('are long, random, and stored only as a hash that verifies them', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(generateClientSecret()).not.toBe(secret);
    const stored = hashClientSecret(secret);
    expect(stored).not.toContain(secret);
    expect(clientSecretMatches(stored, secret)).toBe(true);
  });

  it('refuse a wrong, missing or mistyped secret, and a hash presented as the secret', () => {
    const stored = hashClientSecret('s3cret');
    expect(clientSecretMatches(stored, 's3cret ')).toBe(false);
    expect(clientSecretMatches(stored, undefined)).toBe(false);
    expect(clientSecretMatches(stored, stored)).toBe(false);
    expect(clientSecretMatches(undefined, 's3cret')).toBe(false);
    expect(clientSecretMatches('s3cret', 's3cret')).toBe(false);
  });

  it('come with client ids of their own shape', () => {
    expect(generateClientId()).toMatch(/^cli_[0-9A-Za-z]{22}$/);
  });
});
