import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgresTestDatabase } from '../storage/helpers/postgres-test-database.ts';
import { api, expectError } from '../support/http.ts';
import { createUser, type Replica, startReplica } from './helpers/replica-process.ts';

const postgresUrl = process.env.SEMASWIFT_TEST_POSTGRES_URL;
const redisUrl = process.env.SEMASWIFT_TEST_REDIS_URL;
const PASSWORD = 'the right password';

describe.skipIf(!postgresUrl || !redisUrl)(
  'brute-force counters shared through Redis by two replicas (set SEMASWIFT_TEST_POSTGRES_URL and SEMASWIFT_TEST_REDIS_URL to run)',
  () => {
    const db = usePostgresTestDatabase(postgresUrl ?? '');
    // This run's counters only: other runs on the same Redis count their own.
    const keyPrefix = `semaswift_test_${randomBytes(6).toString('hex')}:`;
    const email = 'target@ratelimit.test';
    let replicas: Replica[] = [];

    beforeAll(async () => {
      const url = db.freshSchema().url;
      await createUser(url, { email, password: PASSWORD, org: 'ratelimit' });
      const limiter = new URL(redisUrl ?? '');
      limiter.searchParams.set('key_prefix', keyPrefix);
      const secretKey = randomBytes(32).toString('base64');
      const args = ['--rate-limit-store', limiter.toString()];
      replicas = await Promise.all([
        startReplica({ db: url, secretKey, args }),
        startReplica({ db: url, secretKey, args }),
      ]);
    });

    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      const redis = new Redis(redisUrl ?? '');
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('locks the account after 10 wrong passwords in total, alternating between replicas (429 on both)', async () => {
      const [a, b] = replicas;
      if (!a || !b) throw new Error('two replicas expected');
      const attempt = (replica: Replica, password: string) =>
        api(replica.baseUrl, '/api/v1/auth/login', { json: { email, password } });

      for (let i = 0; i < 10; i++) {
        expectError(await attempt(i % 2 === 0 ? a : b, `wrong password ${i}`), 401, 'INVALID_CREDENTIALS');
      }
      // Five failures each: with per-process counters neither replica would lock yet.
      for (const replica of [a, b]) {
        const locked = await attempt(replica, PASSWORD);
        expectError(locked, 429, 'RATE_LIMITED');
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // The counters live under this run's key_prefix (which never reached Redis as a parameter).
      const redis = new Redis(redisUrl ?? '');
      expect(await redis.keys(`${keyPrefix}*`)).not.toEqual([]);
      redis.disconnect();
    });
  },
);
