import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import {
  type CreatedUser,
  startTestServer,
  type TestServer,
  type TokenPair,
} from '../support/test-server.ts';

const PASSWORD = 'refresh me please';
const RS256_JWT = /^eyJhbGciOiJSUzI1NiIs[\w-]*\.[\w-]+\.[\w-]+$/;

let server: TestServer;
let user: CreatedUser;

beforeAll(async () => {
  server = await startTestServer();
  user = await server.createUser({ email: 'user@refresh.test', password: PASSWORD, org: 'refresh' });
});

afterAll(() => server?.stop());

const refresh = (refresh_token: string) =>
  api<TokenPair>(server.baseUrl, '/api/v1/auth/refresh', { json: { refresh_token } });
const me = (token: string) => api(server.baseUrl, '/api/v1/users/me', { token });

describe('POST /api/v1/auth/refresh', () => {
  it('rotates: a new pair for the old refresh token, which is then spent', async () => {
    const first = await server.login(user.email, PASSWORD);
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(second.body).toEqual({
      access_token: expect.stringMatching(RS256_JWT),
      refresh_token: expect.stringMatching(RS256_JWT),
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(decodeJwt(second.body.access_token).sub).toBe(user.id);
    expect((await me(second.body.access_token)).status).toBe(200);

    expectError(await refresh(first.refresh_token), 401, 'TOKEN_INVALID');
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const first = await server.login(user.email, PASSWORD);
    const second = (await refresh(first.refresh_token)).body;
    const third = (await refresh(second.refresh_token)).body;
    expect(third.refresh_token).toMatch(RS256_JWT);

    // The thief replays generation 2; the session it belongs to dies, including generation 3.
    expectError(await refresh(second.refresh_token), 401, 'TOKEN_INVALID');
    expectError(await refresh(third.refresh_token), 401, 'TOKEN_INVALID');
  });

  it('leaves other sessions of the same user alone', async () => {
    const victim = await server.login(user.email, PASSWORD);
    const bystander = await server.login(user.email, PASSWORD);
    const next = (await refresh(victim.refresh_token)).body;
    expectError(await refresh(victim.refresh_token), 401, 'TOKEN_INVALID');
    expectError(await refresh(next.refresh_token), 401, 'TOKEN_INVALID');
    expect((await refresh(bystander.refresh_token)).status).toBe(200);
  });

  it('refuses garbage and a missing token', async () => {
    expectError(await refresh('not-a-token'), 401, 'TOKEN_INVALID');
    expectError(await api(server.baseUrl, '/api/v1/auth/refresh', { json: {} }), 400, 'INVALID_ARGUMENT');
  });
});

describe('POST /api/v1/auth/logout', () => {
  it('revokes the session: its refresh token no longer works', async () => {
    const pair = await server.login(user.email, PASSWORD);
    const response = await api(server.baseUrl, '/api/v1/auth/logout', {
      json: { refresh_token: pair.refresh_token },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expectError(await refresh(pair.refresh_token), 401, 'TOKEN_INVALID');
  });

  it('revokes the rotated descendants too', async () => {
    const pair = await server.login(user.email, PASSWORD);
    const next = (await refresh(pair.refresh_token)).body;
    await api(server.baseUrl, '/api/v1/auth/logout', { json: { refresh_token: next.refresh_token } });
    expectError(await refresh(next.refresh_token), 401, 'TOKEN_INVALID');
  });
});

describe('POST /api/v1/tokens/introspect', () => {
  let pair: TokenPair;
  beforeAll(async () => {
    pair = await server.login(user.email, PASSWORD);
  });
  const introspect = (token: string, bearer = pair.access_token) =>
    api(server.baseUrl, '/api/v1/tokens/introspect', { token: bearer, json: { token } });

  it('describes an active access token with its claims and a numeric exp', async () => {
    const response = await introspect(pair.access_token);
    expect(response.status).toBe(200);
    const claims = decodeJwt(pair.access_token);
    expect(response.body).toMatchObject({
      active: true,
      sub: user.id,
      iss: claims.iss,
      aud: ['semaswift-api'],
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: 'Bearer',
      token_use: 'access',
      organization_id: user.organization_id,
      roles: ['agent'],
      permissions: claims.permissions,
    });
    expect(typeof response.body.exp).toBe('number');
  });

  it('answers exactly {"active":false} for garbage', async () => {
    for (const token of ['garbage', 'eyJhbGciOiJub25lIn0.e30.', pair.access_token.slice(0, -4)]) {
      const response = await introspect(token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ active: false });
    }
  });

  it('sees a live refresh token as active and a spent one as inactive', async () => {
    const fresh = await server.login(user.email, PASSWORD);
    expect((await introspect(fresh.refresh_token)).body).toMatchObject({
      active: true,
      token_use: 'refresh',
    });
    expect((await refresh(fresh.refresh_token)).status).toBe(200);
    expect((await introspect(fresh.refresh_token)).body).toEqual({ active: false });
  });

  it('needs a credential', async () => {
    const response = await api(server.baseUrl, '/api/v1/tokens/introspect', {
      json: { token: pair.access_token },
    });
    expectError(response, 401, 'TOKEN_INVALID');
  });
});
