import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorInfoOf, failureOf, type GrpcStubs, grpc, grpcStubs, unary } from '../support/grpc-client.ts';
import { api, expectError } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'pat-password-123';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An independent check of the documented format: prefix, 32 base62, base62 CRC32 of the rest. */
function checksumHolds(token: string): boolean {
  let value = crc32(token.slice(0, -6));
  let expected = '';
  for (let i = 0; i < 6; i++) {
    expected = BASE62[value % 62] + expected;
    value = Math.floor(value / 62);
  }
  return token.slice(-6) === expected;
}

interface CreatedPat {
  id: string;
  name: string;
  token: string;
  expires_at: string;
  permissions: string[];
  created_at: string;
}

let server: TestServer;
let adminJwt: string;
let agentJwt: string;
let otherAgentJwt: string;
let agentId: string;
let stubs: GrpcStubs;

const createPat = (token: string, json: object) =>
  api<CreatedPat>(server.baseUrl, '/api/v1/pats', { token, json });

beforeAll(async () => {
  server = await startTestServer();
  stubs = grpcStubs(server.port);
  await server.createUser({
    email: 'pat-admin@example.com',
    password: PASSWORD,
    org: 'pats',
    roles: ['admin'],
  });
  agentId = (
    await server.createUser({
      email: 'pat-agent@example.com',
      password: PASSWORD,
      org: 'pats',
      roles: ['agent'],
    })
  ).id;
  await server.createUser({
    email: 'pat-other@example.com',
    password: PASSWORD,
    org: 'pats',
    roles: ['agent'],
  });
  adminJwt = (await server.login('pat-admin@example.com', PASSWORD)).access_token;
  agentJwt = (await server.login('pat-agent@example.com', PASSWORD)).access_token;
  otherAgentJwt = (await server.login('pat-other@example.com', PASSWORD)).access_token;
});
afterAll(async () => {
  stubs?.close();
  await server?.stop();
});

describe('creating a PAT', () => {
  it('answers the documented shape once, in the documented format, and stores only a hash', async () => {
    const created = await createPat(agentJwt, {
      name: 'CI',
      expires_at: inDays(30),
      permissions: ['user:read'],
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(created.body).sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'name',
      'permissions',
      'token',
    ]);
    expect(created.body.token).toMatch(/^pat_live_[0-9A-Za-z]{38}$/);
    expect(checksumHolds(created.body.token)).toBe(true);
    const listed = await api<{ pats: Array<Record<string, unknown>> }>(server.baseUrl, '/api/v1/pats', {
      token: agentJwt,
    });
    const mine = listed.body.pats.find((p) => p.id === created.body.id);
    expect(mine).toMatchObject({ name: 'CI', permissions: ['user:read'], last_used_at: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const db = new Database(server.dbPath, { readonly: true });
    const dump = JSON.stringify(db.prepare('SELECT * FROM pats').all());
    db.close();
    expect(dump).not.toContain(created.body.token.slice(9));
  });

  it.each([
    [{ name: 'x' }, 400, 'INVALID_ARGUMENT'],
    [{ name: 'x', expires_at: new Date(Date.now() - 1000).toISOString() }, 400, 'INVALID_ARGUMENT'],
    [{ name: 'x', expires_at: inDays(400) }, 400, 'INVALID_ARGUMENT'],
    [{ name: 'x', expires_at: 'tomorrow' }, 400, 'INVALID_ARGUMENT'],
    [{ name: 'x', expires_at: inDays(1), permissions: ['user:write'] }, 403, 'INSUFFICIENT_PERMISSIONS'],
    [{ name: 'x', expires_at: inDays(1), permissions: ['root:all'] }, 400, 'INVALID_ARGUMENT'],
  ])('refuses %j with %i %s', async (json, status, code) => {
    expectError(await createPat(agentJwt, json), status, code);
  });
});

describe('using a PAT', () => {
  let pat: CreatedPat;
  beforeAll(async () => {
    pat = (await createPat(agentJwt, { name: 'use', expires_at: inDays(7), permissions: ['user:read'] }))
      .body;
  });

  it('works as X-API-Key and as Bearer, acting as its owner', async () => {
    const variants: Array<Record<string, string>> = [
      { 'x-api-key': pat.token },
      { authorization: `Bearer ${pat.token}` },
    ];
    for (const headers of variants) {
      const me = await api<{ id: string }>(server.baseUrl, '/api/v1/users/me', { headers });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(agentId);
    }
  });

  it('works over gRPC with x-api-key or authorization metadata', async () => {
    const viaKey = await unary<{ id: string }>(stubs.users, 'GetMe', {}, { 'x-api-key': pat.token });
    const viaBearer = await unary<{ id: string }>(stubs.users, 'GetMe', {}, `Bearer ${pat.token}`);
    expect([viaKey.id, viaBearer.id]).toEqual([agentId, agentId]);
    const listed = await unary<{ pats: unknown[] }>(stubs.pats, 'ListPats', {}, { 'x-api-key': pat.token });
    expect(listed.pats.length).toBeGreaterThan(0);
  });

  it('is limited to its permissions: 403 beyond them, on REST and gRPC', async () => {
    const ticketsOnly = (
      await createPat(agentJwt, { name: 't', expires_at: inDays(1), permissions: ['ticket:read'] })
    ).body;
    expectError(
      await api(server.baseUrl, '/api/v1/users', { headers: { 'x-api-key': ticketsOnly.token } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const failure = await failureOf(unary(stubs.users, 'ListUsers', {}, { 'x-api-key': ticketsOnly.token }));
    expect(failure.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(errorInfoOf(failure)?.reason).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('cannot create PATs unless it holds pat:write', async () => {
    expectError(
      await createPat(pat.token, { name: 'child', expires_at: inDays(1) }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
  });

  it('is refused when unknown, or with one character changed (TOKEN_INVALID)', async () => {
    const last = pat.token.at(-1) === 'A' ? 'B' : 'A';
    for (const token of [`${pat.token.slice(0, -1)}${last}`, `pat_live_${'A'.repeat(38)}`, 'pat_test_abc']) {
      expectError(
        await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': token } }),
        401,
        'TOKEN_INVALID',
      );
    }
  });

  it('is refused after it expires (TOKEN_EXPIRED)', async () => {
    const short = (await createPat(agentJwt, { name: 'short', expires_at: inDays(1) })).body;
    const db = new Database(server.dbPath);
    db.prepare('UPDATE pats SET expires_at = ? WHERE id = ?').run(
      Math.floor(Date.now() / 1000) - 1,
      short.id,
    );
    db.close();
    // A fresh server process would re-read it; this one caches PATs for 30 s, so use a never-used token.
    expectError(
      await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': short.token } }),
      401,
      'TOKEN_EXPIRED',
    );
  });

  it('shows last use in the list without waiting for a write', async () => {
    const listed = await api<{ pats: Array<{ id: string; last_used_at?: string }> }>(
      server.baseUrl,
      '/api/v1/pats',
      { token: agentJwt },
    );
    expect(listed.body.pats.find((p) => p.id === pat.id)?.last_used_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('introspecting a PAT', () => {
  const introspect = (token: string, caller: string) =>
    api<Record<string, unknown>>(server.baseUrl, '/api/v1/tokens/introspect', {
      token: caller,
      json: { token },
    });

  it('is active with its owner and effective permissions, inactive once revoked or elsewhere', async () => {
    const pat = (
      await createPat(agentJwt, { name: 'introspected', expires_at: inDays(3), permissions: ['user:read'] })
    ).body;
    const answer = await introspect(pat.token, adminJwt);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      active: true,
      sub: agentId,
      jti: pat.id,
      token_type: 'Bearer',
      token_use: 'pat',
      permissions: ['user:read'],
      scope: 'user:read',
      exp: Math.floor(Date.parse(pat.expires_at) / 1000),
    });
    // An agent's PAT limited to user:read does not carry the agent role (empty lists are left out).
    expect(answer.body).not.toHaveProperty('roles');
    // The PAT may introspect itself, as any credential may.
    expect((await introspect(pat.token, pat.token)).body).toMatchObject({ active: true });
    expect((await introspect(`${pat.token.slice(0, -1)}x`, adminJwt)).body).toEqual({ active: false });
    await api(server.baseUrl, `/api/v1/pats/${pat.id}`, { method: 'DELETE', token: agentJwt });
    expect((await introspect(pat.token, adminJwt)).body).toEqual({ active: false });
  });
});

describe('revoking a PAT', () => {
  it('takes effect at once, and it disappears from the list', async () => {
    const pat = (await createPat(agentJwt, { name: 'revoke-me', expires_at: inDays(1) })).body;
    expect(
      (await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': pat.token } })).status,
    ).toBe(200);
    expect(
      (await api(server.baseUrl, `/api/v1/pats/${pat.id}`, { method: 'DELETE', token: agentJwt })).status,
    ).toBe(200);
    expectError(
      await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': pat.token } }),
      401,
      'TOKEN_INVALID',
    );
    const listed = await api<{ pats: Array<{ id: string }> }>(server.baseUrl, '/api/v1/pats', {
      token: agentJwt,
    });
    expect(listed.body.pats.map((p) => p.id)).not.toContain(pat.id);
  });

  it('another user can neither see nor revoke my tokens; an admin with pat:write can', async () => {
    const pat = (await createPat(agentJwt, { name: 'mine', expires_at: inDays(1) })).body;
    expectError(
      await api(server.baseUrl, `/api/v1/pats/${pat.id}`, { token: otherAgentJwt }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await api(server.baseUrl, `/api/v1/pats/${pat.id}`, { method: 'DELETE', token: otherAgentJwt }),
      404,
      'NOT_FOUND',
    );
    const theirs = await api<{ pats: Array<{ id: string }> }>(server.baseUrl, '/api/v1/pats', {
      token: otherAgentJwt,
    });
    expect(theirs.body.pats.map((p) => p.id)).not.toContain(pat.id);
    expectError(
      await api(server.baseUrl, '/api/v1/pats?organization=true', { token: otherAgentJwt }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const org = await api<{ pats: Array<{ id: string; user_id: string }> }>(
      server.baseUrl,
      '/api/v1/pats?organization=true',
      { token: adminJwt },
    );
    expect(org.body.pats.find((p) => p.id === pat.id)?.user_id).toBe(agentId);
    expect(JSON.stringify(org.body)).not.toContain(pat.token);
    expect(
      (await api(server.baseUrl, `/api/v1/pats/${pat.id}`, { method: 'DELETE', token: adminJwt })).status,
    ).toBe(200);
    expectError(
      await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': pat.token } }),
      401,
      'TOKEN_INVALID',
    );
  });
});

describe('the owner', () => {
  it('losing a role takes the PAT down with it at once; removal revokes it', async () => {
    const user = await server.createUser({
      email: 'pat-demoted@example.com',
      password: PASSWORD,
      org: 'pats',
      roles: ['admin'],
    });
    const jwt = (await server.login(user.email, PASSWORD)).access_token;
    const pat = (await createPat(jwt, { name: 'admin-pat', expires_at: inDays(1) })).body;
    const asPat = { headers: { 'x-api-key': pat.token } };
    expect((await api(server.baseUrl, '/api/v1/users', asPat)).status).toBe(200);
    const demoted = await api(server.baseUrl, `/api/v1/users/${user.id}`, {
      method: 'PATCH',
      token: adminJwt,
      json: { roles: [] },
    });
    expect(demoted.status).toBe(200);
    expectError(await api(server.baseUrl, '/api/v1/users', asPat), 403, 'INSUFFICIENT_PERMISSIONS');
    expect(
      (await api(server.baseUrl, `/api/v1/users/${user.id}`, { method: 'DELETE', token: adminJwt })).status,
    ).toBe(200);
    expectError(await api(server.baseUrl, '/api/v1/users/me', asPat), 401, 'TOKEN_INVALID');
  });

  it('removal takes the user’s access tokens down at once too, on every call', async () => {
    const user = await server.createUser({
      email: 'pat-removed-admin@example.com',
      password: PASSWORD,
      org: 'pats',
      roles: ['admin'],
    });
    const jwt = (await server.login(user.email, PASSWORD)).access_token;
    expect((await api(server.baseUrl, '/api/v1/users', { token: jwt })).status).toBe(200);
    expect(
      (await api(server.baseUrl, `/api/v1/users/${user.id}`, { method: 'DELETE', token: adminJwt })).status,
    ).toBe(200);
    expectError(await api(server.baseUrl, '/api/v1/users', { token: jwt }), 401, 'TOKEN_INVALID');
    expectError(
      await api(server.baseUrl, '/api/v1/users', {
        token: jwt,
        json: { email: 'backdoor@example.com', password: 'backdoor-password', roles: ['admin'] },
      }),
      401,
      'TOKEN_INVALID',
    );
    expectError(await createPat(jwt, { name: 'late', expires_at: inDays(1) }), 401, 'TOKEN_INVALID');
  });

  it('a PAT cannot make a PAT that outlives it', async () => {
    const parent = (
      await createPat(adminJwt, {
        name: 'short parent',
        expires_at: inDays(1),
        permissions: ['pat:write', 'user:read'],
      })
    ).body;
    const asParent = (json: object) =>
      api<CreatedPat>(server.baseUrl, '/api/v1/pats', { headers: { 'x-api-key': parent.token }, json });
    expectError(await asParent({ name: 'long child', expires_at: inDays(30) }), 400, 'INVALID_ARGUMENT');
    expect((await asParent({ name: 'short child', expires_at: inDays(0.5) })).status).toBe(200);
  });

  it('a PAT survives a server restart (it lives in the database)', async () => {
    const pat = (await createPat(agentJwt, { name: 'durable', expires_at: inDays(1) })).body;
    const restarted = await server.restart();
    server = restarted;
    expect(
      (await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': pat.token } })).status,
    ).toBe(200);
  });
});
