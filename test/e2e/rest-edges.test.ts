import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'edges-password-1';
let server: TestServer;
let jwt: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser({ email: 'edge@example.com', password: PASSWORD, org: 'edges', roles: ['admin'] });
  jwt = (await server.login('edge@example.com', PASSWORD)).access_token;
});
afterAll(() => server?.stop());

describe('REST edges', () => {
  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await api(server.baseUrl, '/api/v1/auth/login');
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers the wrong method on JWKS, metrics and assets with 405 in the error shape', async () => {
    for (const path of ['/.well-known/jwks.json', '/metrics', '/assets/semaswift.css']) {
      const response = await api(server.baseUrl, path, { method: 'POST', json: {} });
      expectError(response, 405, 'METHOD_NOT_ALLOWED');
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await fetch(new URL('/api/v1/health', server.baseUrl), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('answers an unknown path with 404 in the error shape', async () => {
    expectError(await api(server.baseUrl, '/api/v1/nope'), 404, 'NOT_FOUND');
  });

  it('refuses a JWT sent as X-API-Key: that header is for PATs', async () => {
    const response = await api(server.baseUrl, '/api/v1/users/me', { headers: { 'x-api-key': jwt } });
    expectError(response, 401, 'TOKEN_INVALID');
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await fetch(new URL('/api/v1/health', server.baseUrl), {
      headers: { 'x-request-id': 'req-42' },
    });
    expect(given.headers.get('x-request-id')).toBe('req-42');
    const hostile = await fetch(new URL('/api/v1/health', server.baseUrl), {
      headers: { 'x-request-id': 'a b\tc' },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  it('serves Prometheus text with request and ext_authz series, and no secrets', async () => {
    await api(server.baseUrl, '/api/v1/users/me', { token: jwt });
    const response = await fetch(new URL('/metrics', server.baseUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain(
      'semaswift_http_request_duration_seconds_count{method="GET",status="200",protocol="http"}',
    );
    expect(text).toContain('# TYPE semaswift_extauthz_checks_total counter');
    expect(text).not.toContain(jwt.slice(0, 40));
  });
});

describe('Connect with JSON, as curl would send it', () => {
  it('answers with the contract’s snake_case field names', async () => {
    const response = await fetch(new URL('/semaswift.auth.v1.AuthService/Login', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'edge@example.com', password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    expect(Object.keys((await response.json()) as object).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'token_type',
    ]);
  });
});

describe('oversized requests', () => {
  it('refuses a 100 KiB body with 413 on REST (closing an HTTP/1.1 connection) and on Connect, without a 500', async () => {
    const big = JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(100 * 1024) });
    const rest = await fetch(new URL('/api/v1/auth/login', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(rest.status).toBe(413);
    expect(await rest.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(rest.headers.get('connection')).toBe('close');
    // The next request gets a connection of its own and a normal answer.
    expect((await fetch(new URL('/api/v1/health', server.baseUrl))).status).toBe(200);
    const connect = await fetch(new URL('/semaswift.auth.v1.AuthService/Login', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(connect.status).toBeGreaterThanOrEqual(400);
    expect(connect.status).toBeLessThan(500);
  });

  it('challenges a request without any credential with a bare Bearer (RFC 6750 §3.1)', async () => {
    const none = await api(server.baseUrl, '/api/v1/users/me');
    expectError(none, 401, 'TOKEN_INVALID');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const bad = await api(server.baseUrl, '/api/v1/users/me', { token: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('refuses a credential header sent twice, on REST and on Connect, whichever comes first', async () => {
    /** Repeated header lines, as a confused client or a naive proxy would send them. */
    const twice = (path: string, method: string, authorization: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const { hostname, port } = new URL(server.baseUrl);
        const req = httpRequest({
          hostname,
          port,
          path,
          method,
          // The raw form gets no default headers: Host is ours to send.
          headers: [
            'host',
            `${hostname}:${port}`,
            ...authorization.flatMap((value) => ['authorization', value]),
            'content-type',
            'application/json',
          ],
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(method === 'POST' ? '{}' : undefined);
      });
    for (const order of [
      [`Bearer ${jwt}`, 'Bearer junk'],
      ['Bearer junk', `Bearer ${jwt}`],
    ]) {
      const rest = await twice('/api/v1/users/me', 'GET', order);
      expect(rest).toMatchObject({ status: 401 });
      expect(JSON.parse(rest.body)).toMatchObject({ error: { code: 'TOKEN_INVALID' } });
      const connect = await twice('/semaswift.auth.v1.UserService/GetMe', 'POST', order);
      expect(connect.status).toBe(401);
    }
  });

  it('refuses an empty list where leaving the field out means the default', async () => {
    const expires_at = new Date(Date.now() + 86_400_000).toISOString();
    const pat = await api<{ error: { message: string } }>(server.baseUrl, '/api/v1/pats', {
      token: jwt,
      json: { name: 'nothing', expires_at, permissions: [] },
    });
    expectError(pat, 400, 'INVALID_ARGUMENT');
    expect(pat.body.error.message).toMatch(/permissions/);
    const user = await api(server.baseUrl, '/api/v1/users', {
      token: jwt,
      json: { email: 'empty-roles@example.com', password: PASSWORD, roles: [] },
    });
    expectError(user, 400, 'INVALID_ARGUMENT');
  });

  it('refuses a date that does not exist, naming the field', async () => {
    for (const expires_at of ['2031-02-30T00:00:00Z', '2031-13-01T00:00:00Z', 'next week', 5]) {
      const response = await api<{ error: { message: string } }>(server.baseUrl, '/api/v1/pats', {
        token: jwt,
        json: { name: 'bad date', expires_at },
      });
      expectError(response, 400, 'INVALID_ARGUMENT');
      expect(response.body.error.message).toMatch(/^expires_at /);
    }
  });

  it('takes RFC 3339 date-times with a lowercase t and z', async () => {
    const expires_at = new Date(Date.now() + 86_400_000).toISOString().replace('T', 't').replace('Z', 'z');
    const created = await api<{ expires_at: string }>(server.baseUrl, '/api/v1/pats', {
      token: jwt,
      json: { name: 'lowercase', expires_at },
    });
    expect(created.status).toBe(200);
    expect(created.body.expires_at).toMatch(/T.*Z$/);
  });

  it('answers health for this service, NOT_FOUND for another, and introspection uncached', async () => {
    expect((await api(server.baseUrl, '/api/v1/health?service=semaswift.auth.v1.AuthService')).body).toEqual({
      status: 'SERVING',
    });
    expectError(await api(server.baseUrl, '/api/v1/health?service=foo'), 404, 'NOT_FOUND');
    const introspected = await api(server.baseUrl, '/api/v1/tokens/introspect', {
      token: jwt,
      json: { token: jwt },
    });
    expect(introspected.headers.get('cache-control')).toBe('no-store');
  });

  it('takes only true or false for a boolean query parameter', async () => {
    expect((await api(server.baseUrl, '/api/v1/pats?organization=false', { token: jwt })).status).toBe(200);
    for (const value of ['yes', '1', 'TRUE']) {
      expectError(
        await api(server.baseUrl, `/api/v1/pats?organization=${value}`, { token: jwt }),
        400,
        'INVALID_ARGUMENT',
      );
    }
  });
});
