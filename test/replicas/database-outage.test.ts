import { randomBytes } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResponse } from '../../src/gen/envoy/service/auth/v3/external_auth_pb.js';
import { createCheckClient, envoyCheckRequest } from '../extauthz/check-client.ts';
import { uniqueApplicationName, usePostgresTestDatabase } from '../storage/helpers/postgres-test-database.ts';
import { startTcpProxy, type TcpProxy } from '../storage/helpers/tcp-proxy.ts';
import { errorInfoOf, failureOf, grpc, grpcStubs, unary } from '../support/grpc-client.ts';
import { type ApiResponse, api, expectError } from '../support/http.ts';
import { pollUntil } from '../support/poll.ts';
import type { TokenPair } from '../support/test-server.ts';
import { createUser, type Replica, startReplica } from './helpers/replica-process.ts';

const baseUrl = process.env.SEMASWIFT_TEST_POSTGRES_URL;
const PASSWORD = 'the database goes away';

/** The HTTP status of an ext_authz decision (200 for an allow). */
const decisionStatus = (response: CheckResponse) =>
  response.httpResponse.case === 'deniedResponse' ? response.httpResponse.value.status?.code : 200;

describe.skipIf(!baseUrl)('PostgreSQL unreachable and back (set SEMASWIFT_TEST_POSTGRES_URL to run)', () => {
  const db = usePostgresTestDatabase(baseUrl ?? '');
  const applicationName = uniqueApplicationName();
  const email = 'admin@outage.test';
  let proxy: TcpProxy;
  let replica: Replica;
  let directUrl: string;
  const secretKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    const { url } = db.freshSchema();
    directUrl = url;
    await createUser(url, { email, password: PASSWORD, org: 'outage', roles: ['admin'] });
    const target = new URL(baseUrl ?? '');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // The replica reaches the database only through the proxy, under a name pg_stat_activity shows.
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('application_name', applicationName);
    replica = await startReplica({ db: viaProxy.toString(), secretKey });
  });

  afterAll(async () => {
    await replica?.stop();
    await proxy?.stop();
  });

  const login = () =>
    api<TokenPair>(replica.baseUrl, '/api/v1/auth/login', { json: { email, password: PASSWORD } });
  const refresh = (token: string) =>
    api<TokenPair>(replica.baseUrl, '/api/v1/auth/refresh', { json: { refresh_token: token } });
  const usePat = (pat: string) => api(replica.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': pat } });
  const listUsers = (jwt: string) =>
    api<{ users: Array<{ email: string }> }>(replica.baseUrl, '/api/v1/users', { token: jwt });

  it('needs no restart when its connections are terminated, and never answers 500 meanwhile', async () => {
    expect((await login()).status).toBe(200);
    const { rowCount } = await db
      .admin()
      .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        applicationName,
      ]);
    expect(rowCount).toBeGreaterThan(0);
    // A request may meet a connection the pool has not yet seen die: that one is a 503, no worse.
    const statuses: number[] = [];
    await pollUntil(
      'a sign-in after the terminations',
      async () => {
        const response = await login();
        statuses.push(response.status);
        if (response.status !== 200) expectError(response, 503, 'UNAVAILABLE');
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
  });

  it('answers 503 UNAVAILABLE (never an allow, never a 500) while unreachable, then recovers and has lost nothing', async () => {
    // Written before the outage: a user, a session, a PAT never used yet (so no replica caches it).
    const session = (await login()).body;
    const jwt = session.access_token;
    const colleague = 'colleague@outage.test';
    expect(
      (
        await api(replica.baseUrl, '/api/v1/users', {
          token: jwt,
          json: { email: colleague, password: PASSWORD },
        })
      ).status,
    ).toBe(200);
    const pat = (
      await api<{ token: string }>(replica.baseUrl, '/api/v1/pats', {
        token: jwt,
        json: { name: 'outage', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      })
    ).body.token;
    const checks = createCheckClient(replica.extAuthzPort);
    const stubs = grpcStubs(replica.port);
    const check = (headers: Record<string, string>) => checks.check(envoyCheckRequest({ headers }));
    try {
      expect(decisionStatus(await check({ authorization: `Bearer ${jwt}` }))).toBe(200);

      await proxy.stop();
      const unavailable = (response: ApiResponse<unknown>) => expectError(response, 503, 'UNAVAILABLE');
      unavailable(await login());
      unavailable(await refresh(session.refresh_token));
      unavailable(await usePat(pat));
      unavailable(await listUsers(jwt));

      const patDecision = await check({ 'x-api-key': pat });
      expect(patDecision.status?.code).toBe(Code.Unavailable);
      expect(decisionStatus(patDecision)).toBe(503);
      const body =
        patDecision.httpResponse.case === 'deniedResponse' ? patDecision.httpResponse.value.body : '';
      expect(JSON.parse(body)).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } });

      const grpcFailure = await failureOf(unary(stubs.auth, 'Login', { email, password: PASSWORD }));
      expect(grpcFailure.code).toBe(grpc.status.UNAVAILABLE);
      expect(errorInfoOf(grpcFailure)?.reason).toBe('UNAVAILABLE');

      // A JWT is checked in memory: Envoy keeps letting its holder through.
      expect(decisionStatus(await check({ authorization: `Bearer ${jwt}` }))).toBe(200);

      await proxy.start();
      await pollUntil(
        'sign-in to work again',
        async () => {
          const response = await login();
          if (response.status !== 200) unavailable(response);
          return response.status === 200 ? true : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      // The refresh that failed did not spend the token; the PAT, the users and the session are there.
      expect((await refresh(session.refresh_token)).status).toBe(200);
      expect((await usePat(pat)).status).toBe(200);
      expect(decisionStatus(await check({ 'x-api-key': pat }))).toBe(200);
      expect((await listUsers(jwt)).body.users.map((user) => user.email).sort()).toEqual(
        [email, colleague].sort(),
      );
    } finally {
      checks.close();
      stubs.close();
    }
  });

  it('hears, within a second of the database coming back, a revocation made on another replica', async () => {
    const jwt = (await login()).body.access_token;
    const pat = (
      await api<{ id: string; token: string }>(replica.baseUrl, '/api/v1/pats', {
        token: jwt,
        json: { name: 'after the outage', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      })
    ).body;
    // Cached here before the outage: only the change feed can tell this replica it was revoked.
    expect((await usePat(pat.token)).status).toBe(200);
    const other = await startReplica({ db: directUrl, secretKey });
    try {
      await proxy.stop();
      // An outage of a few seconds, long enough for the feed's reconnection backoff to grow; sign-in
      // answers 503 throughout.
      const outageStarted = performance.now();
      await pollUntil(
        'a four-second outage',
        async () => {
          expectError(await login(), 503, 'UNAVAILABLE');
          return performance.now() - outageStarted > 4_000 ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 250 },
      );
      await proxy.start();
      await pollUntil(
        'sign-in to work again',
        async () => ((await login()).status === 200 ? true : undefined),
        {
          timeoutMs: 15_000,
          intervalMs: 50,
        },
      );
      const revoked = await api(other.baseUrl, `/api/v1/pats/${pat.id}`, { method: 'DELETE', token: jwt });
      expect(revoked.status).toBe(200);
      const answered = performance.now();
      await pollUntil(
        'the revoked PAT to be refused here',
        async () => ((await usePat(pat.token)).status === 401 ? true : undefined),
        { timeoutMs: 1_000, intervalMs: 50 },
      );
      expect(performance.now() - answered).toBeLessThan(1_000);
    } finally {
      await other.stop();
    }
  });

  it('answers 503 in bounded time when the database stops answering without closing connections', async () => {
    expect((await login()).status).toBe(200);
    proxy.silence();
    try {
      // The pool's open connection now swallows queries; the query timeout turns that into a 503.
      expectError(await login(), 503, 'UNAVAILABLE');
    } finally {
      await proxy.stop();
      await proxy.start();
    }
    await pollUntil(
      'sign-in to work again',
      async () => ((await login()).status === 200 ? true : undefined),
      {
        timeoutMs: 15_000,
        intervalMs: 50,
      },
    );
  });
});
