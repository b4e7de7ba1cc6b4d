import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../storage/helpers/tcp-proxy.ts';
import { api, expectError } from '../support/http.ts';
import { pollUntil } from '../support/poll.ts';
import type { TokenPair } from '../support/test-server.ts';
import { createUser, type Replica, startReplica } from './helpers/replica-process.ts';

const redisUrl = process.env.SEMASWIFT_TEST_REDIS_URL;
const PASSWORD = 'redis comes and goes';

describe.skipIf(!redisUrl)('Redis unreachable (set SEMASWIFT_TEST_REDIS_URL to run)', () => {
  const keyPrefix = `semaswift_test_${randomBytes(6).toString('hex')}:`;
  const email = 'user@redis-outage.test';
  let dir: string;
  let proxy: TcpProxy;
  let replica: Replica;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'semaswift-redis-outage-'));
    const db = join(dir, 'auth.db');
    await createUser(db, { email, password: PASSWORD, org: 'outage' });
    const target = new URL(redisUrl ?? '');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const viaProxy = new URL(target);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('key_prefix', keyPrefix);
    replica = await startReplica({
      db,
      secretKey: randomBytes(32).toString('base64'),
      args: ['--rate-limit-store', viaProxy.toString()],
    });
  });

  afterAll(async () => {
    await replica?.stop();
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(redisUrl ?? '');
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const login = (password: string) =>
    api<TokenPair>(replica.baseUrl, '/api/v1/auth/login', { json: { email, password } });

  it('answers sign-ins 503 UNAVAILABLE while Redis is away, right password or not, and recovers by itself', async () => {
    const before = await login(PASSWORD);
    expect(before.status).toBe(200);

    await proxy.stop();
    expectError(await login(PASSWORD), 503, 'UNAVAILABLE');
    expectError(await login('a wrong password'), 503, 'UNAVAILABLE');
    // Checking a JWT needs no counter: it goes on working.
    expect((await api(replica.baseUrl, '/api/v1/users/me', { token: before.body.access_token })).status).toBe(
      200,
    );

    await proxy.start();
    await pollUntil(
      'sign-in to work again',
      async () => {
        const response = await login(PASSWORD);
        if (response.status === 200) return true;
        expectError(response, 503, 'UNAVAILABLE');
        return undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  });

  it('answers 503 in bounded time when Redis stops answering without closing its connection', async () => {
    expect((await login(PASSWORD)).status).toBe(200);
    proxy.silence();
    try {
      expectError(await login(PASSWORD), 503, 'UNAVAILABLE');
    } finally {
      await proxy.stop();
      await proxy.start();
    }
    await pollUntil(
      'sign-in to work again',
      async () => ((await login(PASSWORD)).status === 200 ? true : undefined),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
  });
});

describe('Redis unreachable at start-up', () => {
  it('refuses to start, naming the flag and never the URL’s password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'semaswift-redis-start-'));
    try {
      const attempt = startReplica({
        db: join(dir, 'auth.db'),
        secretKey: randomBytes(32).toString('base64'),
        // Port 1 refuses at once.
        args: ['--rate-limit-store', 'redis://:hunter2@127.0.0.1:1'],
      });
      await expect(attempt).rejects.toThrow(/--rate-limit-store: cannot reach Redis \(ECONNREFUSED\)/);
      await expect(attempt).rejects.not.toThrow(/hunter2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
