import { createHash, createHmac } from 'node:crypto';
import { randomBase62 } from '../ids/new-id.ts';

/** `mfa_` + 32 base62 characters: about 190 bits from the CSPRNG. */
const MFA_TOKEN_SHAPE = /^mfa_[0-9A-Za-z]{32}$/;

/** A new mfa_token. Only its hash is stored. */
export const newMfaToken = (): string => `mfa_${randomBase62(32)}`;

export const looksLikeMfaToken = (value: string): boolean => MFA_TOKEN_SHAPE.test(value);

/** What an mfa_token is stored under: plain SHA-256 suffices for a 190-bit random value. */
export const mfaTokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * Hashes a short code (an SMS code, a recovery code) for storage. Keyed (HMAC-SHA-256 under a
 * server subkey), because a 6-digit or 50-bit code hashed without a key would fall to a brute force
 * of a leaked database; the kind is part of the input, so one kind never matches another.
 */
export type CodeHasher = (kind: 'sms' | 'recovery', code: string) => string;

export function createCodeHasher(key: Buffer): CodeHasher {
  return (kind, code) => createHmac('sha256', key).update(`${kind}:${code}`).digest('base64url');
}
