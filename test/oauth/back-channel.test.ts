import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { type ClientSetup, setUpClient, tokensFor } from './support/flows.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { client } from './support/relying-party.ts';

const credentials = { email: 'frances@acme.test', password: 'back channel tests' };
const OFFLINE = { prompt: 'consent' };

let server: OAuthTestServer;
let app: ClientSetup;
let spa: ClientSetup;

beforeAll(async () => {
  server = await startOAuthServer();
  await server.createUser({ ...credentials, org: 'acme', roles: ['agent'] });
  app = await setUpClient(server, ['openid', 'offline_access', 'user:read']);
  spa = await setUpClient(server, ['openid', 'offline_access', 'user:read'], { isPublic: true });
});

afterAll(() => server?.stop());

const me = (token: string) => api(server.baseUrl, '/api/v1/users/me', { token });

/** A form POST to one of the endpoints; `as` authenticates that client with client_secret_basic. */
function post(
  path: string,
  form: Record<string, string>,
  options: { as?: ClientSetup; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...options.headers,
  };
  const registered = options.as?.registered;
  if (registered?.client_secret !== undefined) {
    const basic = `${registered.client_id}:${registered.client_secret}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  return fetch(new URL(path, server.issuer), { method: 'POST', headers, body: new URLSearchParams(form) });
}

/** An OAuth error answer (RFC 6749 §5.2): the status, the code, JSON, never cached. */
async function expectOAuthError(response: Response, status: number, error: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toMatchObject({ error });
}

describe('client authentication (RFC 6749 §5.2)', () => {
  it.each([
    [
      '/oauth2/token',
      { grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://127.0.0.1:1/callback' },
    ],
    ['/oauth2/revoke', { token: 'x' }],
    ['/oauth2/introspect', { token: 'x' }],
  ])(
    'is 401 invalid_client on %s when the request has none, in JSON even for a browser',
    async (path, form) => {
      await expectOAuthError(await post(path, form), 401, 'invalid_client');
      const browserLike = await post(path, form, { headers: { accept: 'text/html,*/*;q=0.8' } });
      await expectOAuthError(browserLike, 401, 'invalid_client');
    },
  );
});

describe('public clients', () => {
  it('may not introspect (RFC 7662 §2.1), whatever the token, but may revoke (RFC 7009)', async () => {
    const tokens = await tokensFor(spa, credentials, 'openid offline_access user:read', OFFLINE);
    const asPublic = { client_id: spa.registered.client_id };
    for (const token of [tokens.access_token, tokens.refresh_token ?? '', 'not-a-token']) {
      await expectOAuthError(await post('/oauth2/introspect', { ...asPublic, token }), 401, 'invalid_client');
    }
    const discovery = (await (
      await fetch(new URL('/.well-known/openid-configuration', server.issuer))
    ).json()) as Record<string, string[]>;
    expect(discovery.introspection_endpoint_auth_methods_supported).not.toContain('none');
    expect(discovery.revocation_endpoint_auth_methods_supported).toContain('none');

    expect((await me(tokens.access_token)).status).toBe(200);
    await client.tokenRevocation(spa.config, tokens.access_token);
    expectError(await me(tokens.access_token), 401, 'TOKEN_INVALID');
  });
});

describe('revocation (RFC 7009 §2.2)', () => {
  it('answers 200 with an empty body and no content type, for every kind of token', async () => {
    const tokens = await tokensFor(app, credentials, 'openid offline_access user:read', OFFLINE);
    const another = await tokensFor(app, credentials, 'openid offline_access user:read', OFFLINE);
    const kinds = [
      ['an unknown opaque token', 'x'],
      ['an unknown JWT', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
      ['an access token', tokens.access_token],
      ['a refresh token', another.refresh_token ?? ''],
      ['an access token already revoked', tokens.access_token],
    ];
    for (const [kind, token] of kinds) {
      const response = await post('/oauth2/revoke', { token: token ?? '' }, { as: app });
      expect([kind, response.status, await response.text()]).toEqual([kind, 200, '']);
      expect(response.headers.get('content-type')).toBeNull();
    }
    expectError(await me(tokens.access_token), 401, 'TOKEN_INVALID');
    expectError(await me(another.access_token), 401, 'TOKEN_INVALID');
  });

  it('answers errors in JSON, never cached', async () => {
    const wrongSecret = { ...app, registered: { ...app.registered, client_secret: 'not-the-secret' } };
    await expectOAuthError(
      await post('/oauth2/revoke', { token: 'x' }, { as: wrongSecret }),
      401,
      'invalid_client',
    );
    await expectOAuthError(await post('/oauth2/revoke', {}, { as: app }), 400, 'invalid_request');
  });
});

describe('methods', () => {
  it.each([
    ['GET', '/oauth2/token', 'POST, OPTIONS'],
    ['PUT', '/oauth2/token', 'POST, OPTIONS'],
    ['GET', '/oauth2/revoke', 'POST, OPTIONS'],
    ['GET', '/oauth2/introspect', 'POST, OPTIONS'],
    ['POST', '/.well-known/openid-configuration', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/oauth2/auth', 'GET, HEAD, POST'],
    ['PUT', '/oauth2/userinfo', 'GET, POST'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const response = await api(server.baseUrl, path, { method });
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe(allow);
  });

  it('still lets a CORS preflight through', async () => {
    const response = await fetch(new URL('/oauth2/token', server.issuer), {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
  });
});
