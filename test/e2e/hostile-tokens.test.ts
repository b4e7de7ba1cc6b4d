import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import {
  type CreatedUser,
  startTestServer,
  type TestServer,
  type TokenPair,
} from '../support/test-server.ts';
import {
  activeSigningKey,
  assembleJws,
  type StoredSigningKey,
  signAccessToken,
  withPayload,
} from '../support/tokens.ts';

const PASSWORD = 'hostile tokens password';
const ALL_PERMISSIONS = ['user:read', 'user:write', 'ticket:read', 'ticket:write', 'pat:read', 'pat:write'];

let server: TestServer;
let agent: CreatedUser;
let pair: TokenPair;
let key: StoredSigningKey;

beforeAll(async () => {
  server = await startTestServer();
  agent = await server.createUser({ email: 'agent@hostile.test', password: PASSWORD, org: 'hostile' });
  pair = await server.login(agent.email, PASSWORD);
  key = activeSigningKey(server.dbPath);
});

afterAll(() => server?.stop());

const me = (token: string) => api(server.baseUrl, '/api/v1/users/me', { token });
const agentSubject = () => ({
  sub: agent.id,
  organization_id: agent.organization_id,
  roles: ['agent'],
  permissions: ['user:read', 'ticket:read', 'ticket:write'],
});

it('accepts the genuine token and one the tests sign the same way (the forgeries below differ by one thing)', async () => {
  expect((await me(pair.access_token)).status).toBe(200);
  expect((await me(await signAccessToken(key, agentSubject()))).status).toBe(200);
});

describe('forged signatures', () => {
  it('refuses alg: none', async () => {
    const header = { alg: 'none', kid: key.kid, typ: 'at+jwt' };
    const payload = decodeJwt(pair.access_token);
    expectError(await me(assembleJws(header, payload)), 401, 'TOKEN_INVALID');
    expectError(await me(assembleJws({ alg: 'none', typ: 'JWT' }, payload)), 401, 'TOKEN_INVALID');
  });

  it('refuses HS256 keyed with the RSA public key (PEM and JWK forms)', async () => {
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = JSON.stringify({ ...(await exportJWK(key.publicKey)), kid: key.kid });
    for (const secret of [pem, pem.trim(), jwk]) {
      const token = await new SignJWT({ ...decodeJwt(pair.access_token) })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
        .sign(new TextEncoder().encode(secret));
      expectError(await me(token), 401, 'TOKEN_INVALID');
    }
  });

  it('refuses a tampered payload under the original signature', async () => {
    const claims = { ...decodeJwt(pair.access_token), roles: ['admin'], permissions: ALL_PERMISSIONS };
    const tampered = withPayload(pair.access_token, claims);
    expectError(await me(tampered), 401, 'TOKEN_INVALID');
    const create = await api(server.baseUrl, '/api/v1/users', {
      token: tampered,
      json: { email: 'escalated@hostile.test', password: 'long enough', roles: ['admin'] },
    });
    expectError(create, 401, 'TOKEN_INVALID');
  });

  it('refuses a signature by another RSA key under the same kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await signAccessToken({ kid: key.kid, privateKey }, agentSubject());
    expect(decodeProtectedHeader(forged).kid).toBe(decodeProtectedHeader(pair.access_token).kid);
    expectError(await me(forged), 401, 'TOKEN_INVALID');
  });

  it('ignores a public key embedded in the header (jwk), with or without our kid', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    for (const header of [{ jwk }, { jwk, kid: undefined }]) {
      const forged = await signAccessToken({ kid: key.kid, privateKey }, agentSubject(), { header });
      expect(decodeProtectedHeader(forged).jwk).toEqual(jwk);
      expectError(await me(forged), 401, 'TOKEN_INVALID');
    }
  });

  it('refuses an unknown kid and a missing kid', async () => {
    expectError(
      await me(await signAccessToken(key, agentSubject(), { header: { kid: 'kid_unknown' } })),
      401,
      'TOKEN_INVALID',
    );
    expectError(
      await me(await signAccessToken(key, agentSubject(), { header: { kid: undefined } })),
      401,
      'TOKEN_INVALID',
    );
  });
});

describe('claims that do not fit, under a genuine signature', () => {
  const cases: Array<[string, Parameters<typeof signAccessToken>[2]]> = [
    ['alg RS512 (our key, another algorithm)', { header: { alg: 'RS512' } }],
    ['alg PS256 (our key, another algorithm)', { header: { alg: 'PS256' } }],
    ['wrong aud', { claims: { aud: 'another-api' } }],
    ['wrong iss', { claims: { iss: 'https://evil.test' } }],
    ['no typ', { header: { typ: undefined } }],
    ['typ JWT', { header: { typ: 'JWT' } }],
    ['typ refresh+jwt', { header: { typ: 'refresh+jwt' } }],
    ['no exp', { claims: { exp: undefined } }],
    ['no organization_id', { claims: { organization_id: undefined } }],
    ['permissions not an array', { claims: { permissions: 'user:read user:write' } }],
  ];
  it.each(cases)('refuses %s', async (_name, options) => {
    expectError(await me(await signAccessToken(key, agentSubject(), options)), 401, 'TOKEN_INVALID');
  });
});

describe('one kind of token where another is expected', () => {
  it('refuses a refresh token as an access token', async () => {
    expectError(await me(pair.refresh_token), 401, 'TOKEN_INVALID');
  });

  it('refuses an access token as a refresh token', async () => {
    const response = await api(server.baseUrl, '/api/v1/auth/refresh', {
      json: { refresh_token: pair.access_token },
    });
    expectError(response, 401, 'TOKEN_INVALID');
  });
});

describe('credentials in the URL', () => {
  it('refuses a token in the query string, alone or beside a valid header', async () => {
    const url = `/api/v1/users/me?access_token=${pair.access_token}`;
    expectError(await api(server.baseUrl, url), 401, 'TOKEN_INVALID');
    expectError(await api(server.baseUrl, url, { token: pair.access_token }), 401, 'TOKEN_INVALID');
    const other = `/api/v1/users?token=${encodeURIComponent(pair.access_token)}`;
    expectError(await api(server.baseUrl, other, { token: pair.access_token }), 401, 'TOKEN_INVALID');
  });
});

describe('garbage Authorization headers', () => {
  const garbage = [
    'Bearer',
    'Bearer ',
    'Bearer not-a-jwt',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJSUzI1NiIs.e30.',
    'Basic YWdlbnRAaG9zdGlsZS50ZXN0Omhvc3RpbGU=',
    'Token abc',
    'Bearer a b',
  ];
  it.each(garbage)('refuses %j', async (authorization) => {
    const response = await api(server.baseUrl, '/api/v1/users/me', { headers: { authorization } });
    expectError(response, 401, 'TOKEN_INVALID');
  });

  it('refuses the token without its scheme, and two tokens at once', async () => {
    const bare = await api(server.baseUrl, '/api/v1/users/me', {
      headers: { authorization: pair.access_token },
    });
    expectError(bare, 401, 'TOKEN_INVALID');
    const twice = `Bearer ${pair.access_token}, Bearer ${pair.access_token}`;
    expectError(
      await api(server.baseUrl, '/api/v1/users/me', { headers: { authorization: twice } }),
      401,
      'TOKEN_INVALID',
    );
  });
});
