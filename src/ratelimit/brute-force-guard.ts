import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AuthError } from '../errors/auth-error.ts';

/** Failed attempts allowed per window, and the window (seconds), per key kind. */
export const BRUTE_FORCE_LIMITS = {
  /** Per account (email): wrong passwords, wrong MFA codes. */
  account: { points: 10, duration: 15 * 60 },
  /** Per client address: every failed sign-in or refresh, whatever the account. */
  address: { points: 100, duration: 15 * 60 },
} as const;

/**
 * Builds a limiter for one key kind. The seam for a shared store: the Redis backend of the storage
 * issue passes a factory that returns rate-limiter-flexible's Redis limiter with the same options.
 */
export type LimiterFactory = (options: {
  keyPrefix: string;
  points: number;
  duration: number;
}) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (options) =>
  new RateLimiterMemory({ ...options, blockDuration: options.duration });

export interface BruteForceGuard {
  /** Throws RATE_LIMITED while any of the keys is locked: even a right password is then refused. */
  assertAllowed(keys: AttemptKeys): Promise<void>;
  /** Counts a failure against every key; throws RATE_LIMITED when that locks one. */
  recordFailure(keys: AttemptKeys): Promise<void>;
  /**
   * Honours a success only if no key is locked *now*, then clears the account's count. A burst of
   * parallel guesses all passes `assertAllowed` before any failure is counted; checking again after
   * the (serialised) password check means a right guess behind the limit is still refused.
   */
  recordSuccess(keys: AttemptKeys): Promise<void>;
}

export interface AttemptKeys {
  account?: string;
  address: string;
}

export function createBruteForceGuard(factory: LimiterFactory = memoryLimiters): BruteForceGuard {
  const account = factory({ keyPrefix: 'bf_account', ...BRUTE_FORCE_LIMITS.account });
  const address = factory({ keyPrefix: 'bf_address', ...BRUTE_FORCE_LIMITS.address });
  const pairs = (keys: AttemptKeys): Array<[RateLimiterAbstract, string]> =>
    keys.account === undefined
      ? [[address, keys.address]]
      : [
          [account, keys.account],
          [address, keys.address],
        ];

  const consumeAll = async (keys: AttemptKeys) => {
    for (const [limiter, key] of pairs(keys)) {
      try {
        await limiter.consume(key);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw rateLimited(error);
        storeUnavailable(error);
      }
    }
  };

  const assertAllowed = async (keys: AttemptKeys) => {
    for (const [limiter, key] of pairs(keys)) {
      const state = await limiter.get(key).catch(storeUnavailable);
      if (state && state.consumedPoints >= limiter.points) throw rateLimited(state);
    }
  };

  return {
    assertAllowed,
    recordFailure: consumeAll,
    async recordSuccess(keys) {
      await assertAllowed(keys);
      if (keys.account !== undefined) await account.delete(keys.account).catch(storeUnavailable);
    },
  };
}

/** The limiter's store failed: fail closed, never allow an attempt we could not count. */
function storeUnavailable(error: unknown): never {
  throw new AuthError('UNAVAILABLE', 'The rate-limit store is unreachable; try again shortly.', {
    cause: error,
  });
}

function rateLimited(state: RateLimiterRes): AuthError {
  return new AuthError('RATE_LIMITED', 'Too many authentication attempts; try again later.', {
    retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)),
  });
}
