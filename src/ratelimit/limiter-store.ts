import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type LimiterFactory, memoryLimiters } from './brute-force-guard.ts';

export interface LimiterStore {
  factory: LimiterFactory;
  close(): Promise<void>;
}

/**
 * `memory` (the default: counters per process) or `redis://…`: counters shared by every replica,
 * so an attacker cannot multiply the limit by the number of replicas. When Redis is unreachable,
 * attempts fail closed with 503 UNAVAILABLE, and the client reconnects by itself. At start-up it
 * waits for the first connection (and fails when there is none), so a fresh replica does not
 * answer 503 to its first sign-ins merely because Redis is not connected yet.
 *
 * `?key_prefix=P` on the URL (ours, not passed to Redis) puts P before every key, so deployments
 * or test runs sharing one Redis keep separate counters; replicas of one deployment use the same.
 */
export async function openLimiterStore(spec: string): Promise<LimiterStore> {
  if (spec === 'memory') return { factory: memoryLimiters, close: async () => {} };
  if (!/^rediss?:\/\//.test(spec)) {
    throw new Error('--rate-limit-store must be "memory" or a redis:// URL.');
  }
  const { url, keyPrefix } = splitKeyPrefix(spec);
  const client = new Redis(url, {
    // Fail fast instead of queueing commands while Redis is away: a sign-in must not hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A connection whose peer went silent (packets dropped, no reset) stays "open": without a
    // per-command limit a sign-in would wait on it forever. A counter answers in well under this.
    commandTimeout: 2_000,
    keepAlive: 10_000,
    lazyConnect: true,
  });
  let lastError: unknown;
  // Reconnects by itself; failures surface per request as 503.
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    // The code (ECONNREFUSED, …), not the message: nothing of the URL, which may hold a password.
    const reason = codeOf(lastError) ?? codeOf(error) ?? 'no connection';
    throw new Error(`--rate-limit-store: cannot reach Redis (${String(reason)}).`);
  }
  return {
    factory: (options) =>
      new RateLimiterRedis({
        storeClient: client,
        ...options,
        keyPrefix: `${keyPrefix}${options.keyPrefix}`,
        blockDuration: options.duration,
      }),
    async close() {
      client.disconnect();
    },
  };
}

/** Takes our `key_prefix` parameter out of a Redis URL; errors never repeat the URL (a password). */
function splitKeyPrefix(spec: string): { url: string; keyPrefix: string } {
  let parsed: URL;
  try {
    parsed = new URL(spec);
  } catch {
    throw new Error('--rate-limit-store is not a valid redis:// URL.');
  }
  const keyPrefix = parsed.searchParams.get('key_prefix');
  if (keyPrefix === null) return { url: spec, keyPrefix: '' };
  parsed.searchParams.delete('key_prefix');
  return { url: parsed.toString(), keyPrefix };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
