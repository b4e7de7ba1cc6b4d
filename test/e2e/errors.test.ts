import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { type CreatedUser, startTestServer, type TestServer } from '../support/test-server.ts';
import { activeSigningKey, signAccessToken } from '../support/tokens.ts';

const PASSWORD = 'the right password';

let server: TestServer;
let admin: CreatedUser;
let agent: CreatedUser;

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent] = await Promise.all([
    server.createUser({ email: 'admin@errors.test', password: PASSWORD, org: 'errors', roles: ['admin'] }),
    server.createUser({ email: 'agent@errors.test', password: PASSWORD, org: 'errors', roles: ['agent'] }),
    server.createUser({ email: 'victim@errors.test', password: PASSWORD, org: 'errors', roles: ['agent'] }),
  ]);
});

afterAll(() => server?.stop());

const login = (json: unknown) => api(server.baseUrl, '/api/v1/auth/login', { json });

describe('401 INVALID_CREDENTIALS', () => {
  it('answers a wrong password and an unknown email identically', async () => {
    const wrongPassword = await login({ email: admin.email, password: 'not the password' });
    const unknownEmail = await login({ email: 'nobody@errors.test', password: 'not the password' });
    expectError(wrongPassword, 401, 'INVALID_CREDENTIALS');
    expectError(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(unknownEmail.headers.get('www-authenticate')).toBe(wrongPassword.headers.get('www-authenticate'));
  });
});

describe('400 INVALID_ARGUMENT', () => {
  it('refuses malformed JSON', async () => {
    const response = await api(server.baseUrl, '/api/v1/auth/login', { rawBody: '{"email": "a@b.c", ' });
    expectError(response, 400, 'INVALID_ARGUMENT');
  });

  it('refuses a body that is not an object', async () => {
    expectError(
      await api(server.baseUrl, '/api/v1/auth/login', { rawBody: '["a@b.c"]' }),
      400,
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a missing field, naming it', async () => {
    const response = await login({ email: admin.email });
    expectError(response, 400, 'INVALID_ARGUMENT');
    expect(JSON.stringify(response.body)).toContain('password');
  });

  it('refuses an ill-typed field without echoing its value', async () => {
    for (const password of [987654321, { secret: 'hunter2-hunter2' }, ['hunter3-hunter3']]) {
      const response = await login({ email: admin.email, password });
      expectError(response, 400, 'INVALID_ARGUMENT');
      const message = JSON.stringify(response.body);
      for (const leak of ['987654321', 'hunter2', 'hunter3']) expect(message).not.toContain(leak);
    }
  });
});

describe('401 TOKEN_INVALID and TOKEN_EXPIRED', () => {
  it('refuses a call without a credential', async () => {
    expectError(await api(server.baseUrl, '/api/v1/users'), 401, 'TOKEN_INVALID');
    expectError(await api(server.baseUrl, '/api/v1/users/me'), 401, 'TOKEN_INVALID');
  });

  it('refuses an expired access token with TOKEN_EXPIRED', async () => {
    const key = activeSigningKey(server.dbPath);
    const now = Math.floor(Date.now() / 1000);
    const subject = {
      sub: admin.id,
      organization_id: admin.organization_id,
      roles: ['admin'],
      permissions: ['user:read'],
    };
    // The same token but current is accepted: only the expiry differs.
    const current = await signAccessToken(key, subject);
    expect((await api(server.baseUrl, '/api/v1/users/me', { token: current })).status).toBe(200);

    const expired = await signAccessToken(key, subject, { claims: { iat: now - 7200, exp: now - 3600 } });
    expect(decodeJwt(expired).exp).toBeLessThan(now);
    const response = await api(server.baseUrl, '/api/v1/users/me', { token: expired });
    expectError(response, 401, 'TOKEN_EXPIRED');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('refuses an expired refresh token with TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { refresh_token } = await server.login(admin.email, PASSWORD);
    const claims = { ...decodeJwt(refresh_token), iat: now - 7200, exp: now - 3600 };
    const subject = { sub: admin.id, organization_id: admin.organization_id, roles: [], permissions: [] };
    const expired = await signAccessToken(activeSigningKey(server.dbPath), subject, {
      header: { typ: 'refresh+jwt' },
      claims,
    });
    const response = await api(server.baseUrl, '/api/v1/auth/refresh', { json: { refresh_token: expired } });
    expectError(response, 401, 'TOKEN_EXPIRED');
  });

  it('ends the session on logout with an expired refresh token: its later tokens die too', async () => {
    const now = Math.floor(Date.now() / 1000);
    const first = await server.login(admin.email, PASSWORD);
    const rotated = await api<{ refresh_token: string }>(server.baseUrl, '/api/v1/auth/refresh', {
      json: { refresh_token: first.refresh_token },
    });
    expect(rotated.status).toBe(200);
    // The first token, as it would look once expired (same jti, same family).
    const claims = { ...decodeJwt(first.refresh_token), iat: now - 7200, exp: now - 3600 };
    const subject = { sub: admin.id, organization_id: admin.organization_id, roles: [], permissions: [] };
    const expired = await signAccessToken(activeSigningKey(server.dbPath), subject, {
      header: { typ: 'refresh+jwt' },
      claims,
    });
    expect(
      (await api(server.baseUrl, '/api/v1/auth/logout', { json: { refresh_token: expired } })).status,
    ).toBe(200);
    expectError(
      await api(server.baseUrl, '/api/v1/auth/refresh', {
        json: { refresh_token: rotated.body.refresh_token },
      }),
      401,
      'TOKEN_INVALID',
    );
  });
});

it('403 INSUFFICIENT_PERMISSIONS when the credential lacks the permission', async () => {
  const { access_token } = await server.login(agent.email, PASSWORD);
  const response = await api(server.baseUrl, '/api/v1/users', {
    token: access_token,
    json: { email: 'x@errors.test', password: 'long enough' },
  });
  expectError(response, 403, 'INSUFFICIENT_PERMISSIONS');
});

it('404 NOT_FOUND in the same error shape for an unknown path', async () => {
  expectError(await api(server.baseUrl, '/api/v1/nothing-here'), 404, 'NOT_FOUND');
});

describe('429 RATE_LIMITED', () => {
  it('locks an account after 10 wrong passwords, then refuses even the right one', async () => {
    const email = 'victim@errors.test';
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await login({ email, password: `wrong password ${attempt}` });
      expectError(response, 401, 'INVALID_CREDENTIALS');
    }
    const limited = await login({ email, password: 'wrong password 11' });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);

    const rightPassword = await login({ email, password: PASSWORD });
    expectError(rightPassword, 429, 'RATE_LIMITED');
    expect(Number(rightPassword.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another account from the same address is not locked by it.
    expect((await login({ email: admin.email, password: PASSWORD })).status).toBe(200);
  });
});
