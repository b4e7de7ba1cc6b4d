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
 * attempts fail closed with 503 UNAVAILABLE, and the client reconnects by itself.
 */
export function openLimiterStore(spec: string): LimiterStore {
  if (spec === 'memory') return { factory: memoryLimiters, close: async () => {} };
  if (!/^rediss?:\/\//.test(spec)) {
    throw new Error('--rate-limit-store must be "memory" or a redis:// URL.');
  }
  const client = new Redis(spec, {
    // Fail fast instead of queueing commands while Redis is away: a sign-in must not hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: false,
  });
  client.on('error', () => {}); // reconnects by itself; failures surface per request as 503
  return {
    factory: (options) =>
      new RateLimiterRedis({ storeClient: client, ...options, blockDuration: options.duration }),
    async close() {
      client.disconnect();
    },
  };
}
