import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'http-mode-password-1';

/**
 * Requests shaped as Envoy's `http_service` sends them: the original path under the prefix, the
 * allowed headers (authorization, x-api-key, x-request-id), Envoy's own x-forwarded-* and
 * x-envoy-* headers, no body.
 */
function envoyHttpCheck(base: string, path: string, headers: Record<string, string>) {
  return fetch(new URL(`/ext_authz${path}`, base), {
    method: 'GET',
    headers: {
      'x-forwarded-proto': 'https',
      'x-envoy-expected-rq-timeout-ms': '250',
      'x-request-id': '0f5a7c1e-0000-4000-8000-000000000001',
      ...headers,
    },
  });
}

/**
 * The same check over node:http, which sends a header given as an array as that many header
 * lines: a proxy forwarding a client's repeated header does the same (fetch would join them).
 */
function envoyHttpCheckRepeated(
  base: string,
  path: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/ext_authz${path}`, base), { method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ext_authz HTTP mode', () => {
  let server: TestServer;
  let jwt: string;
  let pat: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    userId = (
      await server.createUser({ email: 'hm@example.com', password: PASSWORD, org: 'hm', roles: ['agent'] })
    ).id;
    jwt = (await server.login('hm@example.com', PASSWORD)).access_token;
    const created = await api<{ token: string }>(server.baseUrl, '/api/v1/pats', {
      token: jwt,
      json: { name: 'http-mode', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    pat = created.body.token;
  });
  afterAll(() => server?.stop());

  it('allows a JWT with 200 and the identity headers for allowed_upstream_headers', async () => {
    const response = await envoyHttpCheck(server.baseUrl, '/api/tickets?page=2', {
      authorization: `Bearer ${jwt}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-semaswift-user-id')).toBe(userId);
    expect(response.headers.get('x-semaswift-roles')).toBe('agent');
    expect(response.headers.get('x-semaswift-permissions')).toBe('user:read,ticket:read,ticket:write');
    expect(response.headers.get('x-semaswift-auth-method')).toBe('jwt');
    expect(response.headers.get('x-envoy-auth-headers-to-remove')).toBeNull();
  });

  it('allows a PAT and asks Envoy to strip it upstream', async () => {
    const response = await envoyHttpCheck(server.baseUrl, '/api/tickets', { 'x-api-key': pat });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-semaswift-auth-method')).toBe('pat');
    expect(response.headers.get('x-envoy-auth-headers-to-remove')).toBe('x-api-key');
  });

  it('overwrites client-sent identity headers and asks Envoy to remove its other x-semaswift-* ones', async () => {
    const response = await envoyHttpCheck(server.baseUrl, '/api/tickets', {
      authorization: `Bearer ${jwt}`,
      'x-semaswift-user-id': 'usr_admin',
      'x-semaswift-roles': 'admin',
      'x-semaswift-tenant': 'org_other',
      'X-Semaswift-Impersonate': 'usr_admin',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-semaswift-user-id')).toBe(userId);
    expect(response.headers.get('x-semaswift-roles')).toBe('agent');
    const removed = response.headers.get('x-envoy-auth-headers-to-remove')?.split(',') ?? [];
    expect(removed.sort()).toEqual(['x-semaswift-impersonate', 'x-semaswift-tenant']);
  });

  it.each([
    ['a valid token first', (valid: string) => [`Bearer ${valid}`, 'Bearer junk']],
    ['a valid token second', (valid: string) => ['Bearer junk', `Bearer ${valid}`]],
    ['the same token twice', (valid: string) => [`Bearer ${valid}`, `Bearer ${valid}`]],
  ])('refuses Authorization sent twice (%s) with 401 TOKEN_INVALID', async (_, values) => {
    const response = await envoyHttpCheckRepeated(server.baseUrl, '/api/tickets', {
      authorization: values(jwt),
    });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.headers['x-semaswift-user-id']).toBeUndefined();
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'TOKEN_INVALID', message: expect.any(String) },
    });
  });

  it('refuses X-API-Key sent twice with 401 TOKEN_INVALID, and takes each header once', async () => {
    const twice = await envoyHttpCheckRepeated(server.baseUrl, '/api/tickets', { 'x-api-key': [pat, pat] });
    expect(twice.status).toBe(401);
    expect(JSON.parse(twice.body).error.code).toBe('TOKEN_INVALID');
    const once = await envoyHttpCheckRepeated(server.baseUrl, '/api/tickets', {
      'x-api-key': pat,
      authorization: `Bearer ${pat}`,
    });
    expect(once.status).toBe(200);
  });

  it('denies without a credential with the contract body and WWW-Authenticate', async () => {
    const response = await envoyHttpCheck(server.baseUrl, '/api/tickets', {});
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toEqual({ error: { code: 'TOKEN_INVALID', message: expect.any(String) } });
  });

  it('denies a credential riding in the original query string', async () => {
    const response = await envoyHttpCheck(server.baseUrl, `/api/tickets?api_key=${pat}`, {
      'x-api-key': pat,
    });
    expect(response.status).toBe(401);
  });
});
