import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckClient, envoyCheckRequest } from '../extauthz/check-client.ts';
import { usePostgresTestDatabase } from '../storage/helpers/postgres-test-database.ts';
import { api, expectError } from '../support/http.ts';
import { pollUntil } from '../support/poll.ts';
import type { TokenPair } from '../support/test-server.ts';
import { cli, createUser, type Replica, startReplica } from './helpers/replica-process.ts';

const baseUrl = process.env.SEMASWIFT_TEST_POSTGRES_URL;
const PASSWORD = 'two replicas, one database';
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const login = (replica: Replica, email: string, password = PASSWORD) =>
  api<TokenPair>(replica.baseUrl, '/api/v1/auth/login', { json: { email, password } });
const refresh = (replica: Replica, refreshToken: string) =>
  api<TokenPair>(replica.baseUrl, '/api/v1/auth/refresh', { json: { refresh_token: refreshToken } });

describe.skipIf(!baseUrl)(
  'two replicas on one PostgreSQL database (set SEMASWIFT_TEST_POSTGRES_URL to run)',
  () => {
    const db = usePostgresTestDatabase(baseUrl ?? '');
    const adminEmail = 'admin@replicas.test';
    let url: string;
    let a: Replica;
    let b: Replica;
    let adminJwt: string;

    beforeAll(async () => {
      url = db.freshSchema().url;
      // The CLI migrates the schema first, so the replicas start on a ready database.
      await createUser(url, { email: adminEmail, password: PASSWORD, org: 'replicas', roles: ['admin'] });
      const secretKey = randomBytes(32).toString('base64');
      [a, b] = await Promise.all([
        startReplica({ db: url, secretKey }),
        startReplica({ db: url, secretKey }),
      ]);
      const signedIn = await login(a, adminEmail);
      expect(signedIn.status).toBe(200);
      adminJwt = signedIn.body.access_token;
    });

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
    });

    it('lets a user created through one replica sign in through the other', async () => {
      const email = 'created-on-a@replicas.test';
      const created = await api(a.baseUrl, '/api/v1/users', {
        token: adminJwt,
        json: { email, password: PASSWORD, name: 'Made on A' },
      });
      expect(created.status).toBe(200);
      const signedIn = await login(b, email);
      expect(signedIn.status).toBe(200);
      const me = await api<{ email: string }>(b.baseUrl, '/api/v1/users/me', {
        token: signedIn.body.access_token,
      });
      expect(me.body.email).toBe(email);
    });

    it('verifies on one replica the tokens the other signed, from the same JWKS', async () => {
      const fromA = (await login(a, adminEmail)).body;
      const fromB = (await login(b, adminEmail)).body;
      expect((await api(b.baseUrl, '/api/v1/users/me', { token: fromA.access_token })).status).toBe(200);
      expect((await api(a.baseUrl, '/api/v1/users/me', { token: fromB.access_token })).status).toBe(200);
      const jwks = async (replica: Replica) => (await api(replica.baseUrl, '/.well-known/jwks.json')).body;
      expect(await jwks(a)).toEqual(await jwks(b));
    });

    it('refuses on one replica a refresh token spent on the other, and revokes the session', async () => {
      const session = (await login(a, adminEmail)).body;
      const rotated = await refresh(a, session.refresh_token);
      expect(rotated.status).toBe(200);

      expectError(await refresh(b, session.refresh_token), 401, 'TOKEN_INVALID');
      // Reuse revoked the whole family: the token A just issued is dead too, on either replica.
      expectError(await refresh(b, rotated.body.refresh_token), 401, 'TOKEN_INVALID');
      expectError(await refresh(a, rotated.body.refresh_token), 401, 'TOKEN_INVALID');
    });

    it('refuses on one replica, within one second, a PAT the other revoked (not waiting for a cache TTL)', async () => {
      const created = await api<{ id: string; token: string }>(a.baseUrl, '/api/v1/pats', {
        token: adminJwt,
        json: { name: 'revoked elsewhere', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      });
      expect(created.status).toBe(200);
      const pat = created.body.token;
      const useOnB = () => api(b.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': pat } });
      const checks = createCheckClient(b.extAuthzPort);
      const checkOnB = () => checks.check(envoyCheckRequest({ headers: { 'x-api-key': pat } }));
      try {
        // B now holds the PAT in its cache (30 s), for REST and ext_authz alike.
        expect((await useOnB()).status).toBe(200);
        expect((await checkOnB()).status?.code).toBe(0);

        expect(
          (await api(a.baseUrl, `/api/v1/pats/${created.body.id}`, { method: 'DELETE', token: adminJwt }))
            .status,
        ).toBe(200);
        const answered = performance.now();
        const refused = await pollUntil(
          'B to refuse the revoked PAT',
          async () => {
            const response = await useOnB();
            return response.status === 200 ? undefined : response;
          },
          { timeoutMs: 1_000, intervalMs: 50 },
        );
        expect(performance.now() - answered).toBeLessThan(1_000);
        expectError(refused, 401, 'TOKEN_INVALID');
        const denied = await checkOnB();
        expect(denied.httpResponse.case).toBe('deniedResponse');
        expect(denied.httpResponse.case === 'deniedResponse' && denied.httpResponse.value.status?.code).toBe(
          401,
        );
      } finally {
        checks.close();
      }
    });

    it('applies on one replica, within one second, a role change made on the other to the PATs it caches', async () => {
      const email = 'role-change@replicas.test';
      const created = await api<{ id: string }>(a.baseUrl, '/api/v1/users', {
        token: adminJwt,
        json: { email, password: PASSWORD, roles: ['admin'] },
      });
      expect(created.status).toBe(200);
      const jwt = (await login(a, email)).body.access_token;
      const pat = (
        await api<{ token: string }>(a.baseUrl, '/api/v1/pats', {
          token: jwt,
          json: { name: 'follows its owner', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
        })
      ).body.token;
      const checks = createCheckClient(b.extAuthzPort);
      const needsUserWrite = () =>
        checks.check(
          envoyCheckRequest({
            headers: { 'x-api-key': pat },
            contextExtensions: { required_permissions: 'user:write' },
          }),
        );
      try {
        expect((await needsUserWrite()).status?.code).toBe(0); // cached on B, with admin's permissions
        const demoted = await api(a.baseUrl, `/api/v1/users/${created.body.id}`, {
          method: 'PATCH',
          token: adminJwt,
          json: { roles: ['agent'] },
        });
        expect(demoted.status).toBe(200);
        const started = performance.now();
        const denied = await pollUntil(
          'B to apply the new roles',
          async () => {
            const response = await needsUserWrite();
            return response.status?.code === 0 ? undefined : response;
          },
          { timeoutMs: 1_000, intervalMs: 50 },
        );
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(denied.httpResponse.case === 'deniedResponse' && denied.httpResponse.value.status?.code).toBe(
          403,
        );
      } finally {
        checks.close();
      }
    });

    it('signs with the key `keys rotate` made, on both replicas, within two seconds and without a restart', async () => {
      const sessions = { a: (await login(a, adminEmail)).body, b: (await login(b, adminEmail)).body };
      const oldKid = kidOf(sessions.a.access_token);
      expect(kidOf(sessions.b.access_token)).toBe(oldKid);

      const { kid: newKid } = (await cli(url, ['keys', 'rotate'])) as { kid: string };
      expect(newKid).not.toBe(oldKid);
      // Each probe refreshes (cheap, unlike a login) and looks at the kid of the new access token.
      const signsWithNewKey = async (replica: Replica, name: 'a' | 'b') => {
        const refreshed = await refresh(replica, sessions[name].refresh_token);
        expect(refreshed.status).toBe(200);
        sessions[name] = refreshed.body;
        return kidOf(refreshed.body.access_token) === newKid ? true : undefined;
      };
      // Without the push, the 10 s periodic reload would be the only way: this bound tells them apart.
      await Promise.all([
        pollUntil('A to sign with the new key', () => signsWithNewKey(a, 'a'), {
          timeoutMs: 2_000,
          intervalMs: 50,
        }),
        pollUntil('B to sign with the new key', () => signsWithNewKey(b, 'b'), {
          timeoutMs: 2_000,
          intervalMs: 50,
        }),
      ]);
      // A login too gets the new key; tokens of the old key stay valid on both until they expire.
      expect(kidOf((await login(b, adminEmail)).body.access_token)).toBe(newKid);
      expect(kidOf(adminJwt)).toBe(oldKid);
      for (const replica of [a, b]) {
        expect((await api(replica.baseUrl, '/api/v1/users/me', { token: adminJwt })).status).toBe(200);
      }
    });
  },
);
