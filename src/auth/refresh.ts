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
    // Counted before the check and given back unless it was a guess: parallel forgeries cannot
    // outrun the limit.
    await deps.bruteForce.reserve(keys);
    try {
      const pair = await deps.sessions.refresh(refreshToken);
      await deps.bruteForce.release(keys);
      return pair;
    } catch (error) {
      const guess = error instanceof AuthError && error.code === 'TOKEN_INVALID';
      if (!guess) await deps.bruteForce.release(keys);
      throw error;
    }
  };
}
