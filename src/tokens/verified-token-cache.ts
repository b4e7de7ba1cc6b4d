import { tokenExpired } from '../errors/auth-error.ts';
import type { AccessTokenClaims } from './token-types.ts';
import { CLOCK_TOLERANCE_SECONDS, type TokenVerifier } from './token-verifier.ts';

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Remembers access tokens that verified, until they expire, so a client reusing its token for an
 * hour pays for one RS256 verification, not one per request. Keyed by the exact token string: any
 * altered token is a miss and is verified in full. Least recently used entries go first.
 */
export function withVerifiedTokenCache(
  verifier: TokenVerifier,
  options: { maxEntries?: number; now?: () => number } = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? (() => Date.now() / 1000);
  const cache = new Map<string, Readonly<AccessTokenClaims>>();

  return {
    ...verifier,
    async verifyAccessToken(token) {
      const hit = cache.get(token);
      if (hit) {
        cache.delete(token);
        // The same tolerance as the verifier, so a token's answer never depends on the cache.
        if (hit.exp + CLOCK_TOLERANCE_SECONDS <= now()) throw tokenExpired();
        cache.set(token, hit);
        return hit;
      }
      const claims = Object.freeze(await verifier.verifyAccessToken(token));
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(token, claims);
      return claims;
    },
  };
}
