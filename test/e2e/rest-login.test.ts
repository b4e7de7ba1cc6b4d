import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { type CreatedUser, startTestServer, TEST_ISSUER, type TestServer } from '../support/test-server.ts';
import { AUDIENCE } from '../support/tokens.ts';

const PASSWORD = 'correct horse battery staple';
const ALL_PERMISSIONS = ['user:read', 'user:write', 'ticket:read', 'ticket:write', 'pat:read', 'pat:write'];
const RS256_JWT = /^eyJhbGciOiJSUzI1NiIs[\w-]*\.[\w-]+\.[\w-]+$/;

interface UserView {
  id: string;
  email: string;
  name: string;
  organization_id: string;
  roles: string[];
}

let server: TestServer;
let admin: CreatedUser;
let agent: CreatedUser;
let outsider: CreatedUser;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent, outsider] = await Promise.all([
    server.createUser({ email: 'admin@acme.test', password: PASSWORD, org: 'acme', roles: ['admin'] }),
    server.createUser({ email: 'agent@acme.test', password: PASSWORD, org: 'acme', roles: ['agent'] }),
    server.createUser({ email: 'boss@globex.test', password: PASSWORD, org: 'globex', roles: ['admin'] }),
  ]);
  adminToken = (await server.login(admin.email, PASSWORD)).access_token;
});

afterAll(() => server?.stop());

describe('POST /api/v1/auth/login', () => {
  it('answers the documented token pair and nothing else, never cached', async () => {
    const response = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: 'admin@acme.test', password: PASSWORD },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(response.body).toEqual({
      access_token: expect.stringMatching(RS256_JWT),
      refresh_token: expect.stringMatching(RS256_JWT),
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });

  it('issues an RS256 at+jwt access token that verifies against the published JWKS', async () => {
    const { access_token } = await server.login(admin.email, PASSWORD);
    const header = decodeProtectedHeader(access_token);
    expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'at+jwt' });

    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
    const { payload } = await jwtVerify(access_token, jwks, {
      algorithms: ['RS256'],
      typ: 'at+jwt',
      issuer: TEST_ISSUER,
      audience: AUDIENCE,
      // RFC 9068 §2.2: every JWT access token carries these.
      requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
    });
    expect(payload).toMatchObject({
      sub: admin.id,
      iss: TEST_ISSUER,
      aud: AUDIENCE,
      client_id: 'semaswift-auth',
      organization_id: admin.organization_id,
      roles: ['admin'],
      jti: expect.any(String),
    });
    expect(payload.sub).toMatch(/^usr_/);
    expect(payload.organization_id).toMatch(/^org_/);
    expect([...(payload.permissions as string[])].sort()).toEqual([...ALL_PERMISSIONS].sort());
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it("gives an agent exactly the agent role's permissions", async () => {
    const { access_token } = await server.login(agent.email, PASSWORD);
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
    const { payload } = await jwtVerify(access_token, jwks, { issuer: TEST_ISSUER, audience: AUDIENCE });
    expect(payload.roles).toEqual(['agent']);
    expect([...(payload.permissions as string[])].sort()).toEqual([
      'ticket:read',
      'ticket:write',
      'user:read',
    ]);
  });

  it('publishes public keys only in the JWKS', async () => {
    const response = await api<{ keys: Record<string, unknown>[] }>(server.baseUrl, '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body.keys.length).toBeGreaterThan(0);
    for (const key of response.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])
        expect(key).not.toHaveProperty(secret);
    }
    const kid = decodeProtectedHeader(adminToken).kid;
    expect(response.body.keys.map((key) => key.kid)).toContain(kid);
  });
});

describe('users', () => {
  it('GET /api/v1/users lists the users of the caller’s organization only', async () => {
    const response = await api<{ users: UserView[] }>(server.baseUrl, '/api/v1/users', { token: adminToken });
    expect(response.status).toBe(200);
    const users = response.body.users;
    expect(users).toEqual(
      expect.arrayContaining([
        {
          id: admin.id,
          email: admin.email,
          name: '',
          organization_id: admin.organization_id,
          roles: ['admin'],
        },
        {
          id: agent.id,
          email: agent.email,
          name: '',
          organization_id: agent.organization_id,
          roles: ['agent'],
        },
      ]),
    );
    expect(users.map((user) => user.id)).not.toContain(outsider.id);
    expect(new Set(users.map((user) => user.organization_id))).toEqual(new Set([admin.organization_id]));

    const theirs = await server.login(outsider.email, PASSWORD);
    const other = await api<{ users: UserView[] }>(server.baseUrl, '/api/v1/users', {
      token: theirs.access_token,
    });
    expect(other.body.users.map((user) => user.id)).toEqual([outsider.id]);
  });

  it('GET /api/v1/users/me answers the caller', async () => {
    const response = await api(server.baseUrl, '/api/v1/users/me', { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: admin.id,
      email: admin.email,
      name: '',
      organization_id: admin.organization_id,
      roles: ['admin'],
    });
  });

  it('POST /api/v1/users (user:write) creates a user in the caller’s org who can then sign in', async () => {
    const created = await api<UserView>(server.baseUrl, '/api/v1/users', {
      token: adminToken,
      json: { email: 'new.hire@acme.test', password: 'a fresh password', name: 'New Hire', roles: ['agent'] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^usr_/),
      email: 'new.hire@acme.test',
      name: 'New Hire',
      organization_id: admin.organization_id,
      roles: ['agent'],
    });
    const pair = await server.login('new.hire@acme.test', 'a fresh password');
    const me = await api<UserView>(server.baseUrl, '/api/v1/users/me', { token: pair.access_token });
    expect(me.body.id).toBe(created.body.id);
  });

  it('refuses user creation to an agent, who lacks user:write', async () => {
    const { access_token } = await server.login(agent.email, PASSWORD);
    const response = await api(server.baseUrl, '/api/v1/users', {
      token: access_token,
      json: { email: 'sneaky@acme.test', password: 'another password', roles: ['agent'] },
    });
    expectError(response, 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('keeps emails unique case-insensitively and after NFC normalisation', async () => {
    const composed = '\u00c5sa.\u00c4rlig@acme.test';
    const first = await api(server.baseUrl, '/api/v1/users', {
      token: adminToken,
      json: { email: composed, password: 'password one!' },
    });
    expect(first.status).toBe(200);
    for (const clash of [
      'A\u030asa.A\u0308rlig@acme.test',
      '\u00e5SA.\u00e4RLIG@ACME.TEST',
      'ADMIN@acme.test',
    ]) {
      const response = await api(server.baseUrl, '/api/v1/users', {
        token: adminToken,
        json: { email: clash, password: 'password two!' },
      });
      expectError(response, 409, 'ALREADY_EXISTS');
    }
    // Sign-in compares the same way: the decomposed, upper-cased spelling finds the account.
    const pair = await server.login('A\u030aSA.A\u0308RLIG@acme.test', 'password one!');
    expect(pair.token_type).toBe('Bearer');
  });
});

it('GET /api/v1/health answers {"status":"SERVING"} without credentials', async () => {
  const response = await api(server.baseUrl, '/api/v1/health');
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: 'SERVING' });
});
