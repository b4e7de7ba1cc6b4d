import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBase62 } from '../ids/new-id.ts';

const PREFIX = 'sha256:';

/**
 * A new client secret: 43 base62 characters from the CSPRNG (about 256 bits). Shown once, by
 * `client create`; only its hash is stored.
 */
export const generateClientSecret = (): string => randomBase62(43);

/** A new client id: `cli_` and 22 base62 characters. */
export const generateClientId = (): string => `cli_${randomBase62(22)}`;

/**
 * What is stored instead of the secret. A plain SHA-256 is enough for 256 random bits (RFC 6819
 * §5.1.4.1.3): there is nothing to guess, so a slow password hash would only cost every token
 * request its CPU.
 */
export const hashClientSecret = (secret: string): string =>
  PREFIX + createHash('sha256').update(secret, 'utf8').digest('base64url');

/** True when `presented` is the secret `stored` was made from; constant time in the secret. */
export function clientSecretMatches(stored: string | undefined, presented: unknown): boolean {
  if (typeof stored !== 'string' || !stored.startsWith(PREFIX) || typeof presented !== 'string') return false;
  const expected = Buffer.from(stored);
  const actual = Buffer.from(hashClientSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
