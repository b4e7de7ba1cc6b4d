import { AuthError } from '../errors/auth-error.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { Sessions, TokenPair } from './sessions.ts';

export type Refresh = (refreshToken: string, clientAddress: string) => Promise<TokenPair>;

/**
 * Refresh with brute-force protection per client address: forged or replayed refresh tokens count
 * as failures (expired ones do not: honest clients present those).
 */
export function createRefresh(deps: { sessions: Sessions; bruteForce: BruteForceGuard }): Refresh {
  return async (refreshToken, clientAddress) => {
    const keys = { address: clientAddress };
    await deps.bruteForce.assertAllowed(keys);
    try {
      return await deps.sessions.refresh(refreshToken);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'TOKEN_INVALID')
        await deps.bruteForce.recordFailure(keys);
      throw error;
    }
  };
}
