import { availableParallelism } from 'node:os';
import argon2 from 'argon2';

/** OWASP's minimum for argon2id (m=19 MiB, t=2, p=1). Stored in each hash, so it can be raised later. */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Longer passwords are refused before hashing: argon2 of megabytes is a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Hashes run at most this many at once, leaving a core to the event loop: argon2 is memory-hard
 * CPU work, and unbounded it would starve token checks (ext_authz) running beside sign-ins.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

/** Runs `task`s at most `limit` at a time, in arrival order. */
export function createLimiter(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export interface PasswordCheck {
  ok: boolean;
  /** A new hash at the current parameters when the stored one is weaker. */
  rehash?: string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies; with no stored hash (unknown user) does the same work against a dummy and fails. */
  verify(storedHash: string | undefined, password: string): Promise<PasswordCheck>;
}

export async function createPasswordHasher(): Promise<PasswordHasher> {
  // Verifying an unknown email against a real hash of the same cost keeps timing identical.
  const dummyHash = await argon2.hash(crypto.randomUUID(), ARGON2_OPTIONS);
  const limit = createLimiter(HASH_CONCURRENCY);
  const hash = (password: string) => limit(() => argon2.hash(password, ARGON2_OPTIONS));
  return {
    hash,
    async verify(storedHash, password) {
      if (password.length > MAX_PASSWORD_LENGTH) return { ok: false };
      const ok = await limit(() => argon2.verify(storedHash ?? dummyHash, password));
      if (!ok || storedHash === undefined) return { ok: false };
      if (argon2.needsRehash(storedHash, ARGON2_OPTIONS)) return { ok: true, rehash: await hash(password) };
      return { ok: true };
    },
  };
}
