import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import type { CreatedUser } from '../support/test-server.ts';
import { authorizeWithForms, type ClientSetup, setUpClient, tokensFor } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest, client, redeem } from './support/relying-party.ts';

const PASSWORD = 'access token tests';
const OFFLINE = { prompt: 'consent' };

let server: OAuthTestServer;
let user: CreatedUser;
let app: ClientSetup;
const credentials = { email: 'grace@acme.test', password: PASSWORD };

beforeAll(async () => {
  server = await startOAuthServer();
  user = await server.createUser({ ...credentials, org: 'acme', roles: ['agent'], name: 'Grace Hopper' });
  app = await setUpClient(server, ['openid', 'profile', 'offline_access', 'user:read', 'user:write']);
});

afterAll(() => server?.stop());

const me = (token: string) => api(server.baseUrl, '/api/v1/users/me', { token });

describe('access tokens and scopes', () => {
  it('carry the permission scopes the user holds, and nothing the user lacks', async () => {
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid user:read user:write');
    const browser = new FormBrowser();
    await browser.go(request.url.href, {}, app.redirectUri);
    await browser.submit('login', credentials, app.redirectUri);
    // An agent holds user:read, not user:write: the consent page does not offer it.
    expect(browser.html).toContain('See the people in your organization');
    expect(browser.html).not.toContain('Manage the people in your organization');
    const callback = await browser.submit('consent', { decision: 'allow' }, app.redirectUri);
    const tokens = await redeem(app.config, request, callback ?? '');
    expect(tokens.scope).toBe('openid user:read');
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      permissions: ['user:read'],
      roles: [],
      scope: 'openid user:read',
    });
    expect((await api(server.baseUrl, '/api/v1/users', { token: tokens.access_token })).status).toBe(200);
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('from a first-party client name only the permission scopes the user holds', async () => {
    const own = await setUpClient(server, ['openid', 'user:read', 'user:write'], { firstParty: true });
    const tokens = await tokensFor(own, credentials, 'openid user:read user:write');
    expect(tokens.scope).toBe('openid user:read');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ permissions: ['user:read'] });
  });

  it('are issued to plain OAuth 2.0 requests (no openid): an access token, no ID token', async () => {
    const plain = async (scope: string, extra: Record<string, string> = {}) => {
      const request = await authorizationRequest(app.config, app.redirectUri, scope, extra);
      // A nonce is an OpenID Connect parameter; without openid there is nothing to bind it to.
      request.url.searchParams.delete('nonce');
      const callback = await authorizeWithForms(new FormBrowser(), request, credentials);
      return client.authorizationCodeGrant(app.config, new URL(callback), {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
      });
    };
    const tokens = await plain('user:read');
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope).toBe('user:read');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ permissions: ['user:read'] });
    expect((await api(server.baseUrl, '/api/v1/users', { token: tokens.access_token })).status).toBe(200);

    const offline = await plain('offline_access user:read', OFFLINE);
    expect(offline.id_token).toBeUndefined();
    const refreshed = await client.refreshTokenGrant(app.config, offline.refresh_token ?? '');
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ permissions: ['user:read'] });

    // With openid, the ID token still says when the user signed in.
    const withOpenid = await tokensFor(app, credentials, 'openid');
    expect(withOpenid.claims()?.auth_time).toEqual(expect.any(Number));
  });

  it('leave out claims the user has no value for (OIDC Core §5.3.2)', async () => {
    const nameless = { email: 'nameless@acme.test', password: PASSWORD };
    const created = await server.createUser({ ...nameless, org: 'acme', roles: ['agent'] });
    const tokens = await tokensFor(app, nameless, 'openid profile');
    expect(tokens.claims()).not.toHaveProperty('name');
    expect(await client.fetchUserInfo(app.config, tokens.access_token, created.id)).toEqual({
      sub: created.id,
    });
  });

  it('without permission scopes reach only userinfo and GET /api/v1/users/me', async () => {
    const tokens = await tokensFor(app, credentials, 'openid profile');
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      permissions: [],
      roles: [],
      scope: 'openid profile',
    });
    expect((await me(tokens.access_token)).body).toMatchObject({ id: user.id });
    expect(await client.fetchUserInfo(app.config, tokens.access_token, user.id)).toEqual({
      sub: user.id,
      name: 'Grace Hopper',
    });
    expectError(
      await api(server.baseUrl, '/api/v1/users', { token: tokens.access_token }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const pat = { name: 'ci', expires_at: new Date(Date.now() + 86_400_000).toISOString() };
    expectError(
      await api(server.baseUrl, '/api/v1/pats', { token: tokens.access_token, json: pat }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    // Nothing else open to "any credential" either: listing PATs, introspection, MFA settings.
    const refused = [
      ['/api/v1/pats', undefined],
      ['/api/v1/tokens/introspect', { token: tokens.access_token }],
      ['/api/v1/auth/mfa/totp/enroll', {}],
    ] as const;
    for (const [path, json] of refused) {
      const response = await api(server.baseUrl, path, { token: tokens.access_token, json });
      expectError(response, 403, 'INSUFFICIENT_PERMISSIONS');
    }
  });

  it('with pat:write create PATs no wider than themselves', async () => {
    const admin = { email: 'admin@acme.test', password: PASSWORD };
    await server.createUser({ ...admin, org: 'acme', roles: ['admin'] });
    const patApp = await setUpClient(server, ['openid', 'pat:write']);
    const tokens = await tokensFor(patApp, admin, 'openid pat:write');
    const pat = { name: 'ci', expires_at: new Date(Date.now() + 86_400_000).toISOString() };
    const created = await api<{ permissions: string[] }>(server.baseUrl, '/api/v1/pats', {
      token: tokens.access_token,
      json: pat,
    });
    expect(created.status).toBe(200);
    expect(created.body.permissions).toEqual(['pat:write']);
  });

  it('gets a refresh token only with offline_access', async () => {
    const without = await tokensFor(app, credentials, 'openid');
    expect(without.refresh_token).toBeUndefined();
    const withOffline = await tokensFor(app, credentials, 'openid offline_access', OFFLINE);
    expect(withOffline.refresh_token).toEqual(expect.any(String));
  });

  it('rotates refresh tokens; a reused one revokes the whole chain', async () => {
    const tokens = await tokensFor(app, credentials, 'openid offline_access user:read', OFFLINE);
    const second = await client.refreshTokenGrant(app.config, tokens.refresh_token ?? '');
    const third = await client.refreshTokenGrant(app.config, second.refresh_token ?? '');
    expect((await me(third.access_token)).status).toBe(200);
    await expect(client.refreshTokenGrant(app.config, second.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.refreshTokenGrant(app.config, third.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expectError(await me(third.access_token), 401, 'TOKEN_INVALID');
  });
});

describe('introspection and revocation', () => {
  it('introspects the client’s own tokens (RFC 7662) and revokes them (RFC 7009)', async () => {
    const tokens = await tokensFor(app, credentials, 'openid offline_access user:read', OFFLINE);
    await expect(client.tokenIntrospection(app.config, tokens.access_token)).resolves.toMatchObject({
      active: true,
      sub: user.id,
      client_id: app.registered.client_id,
      aud: 'semaswift-api',
      permissions: ['user:read'],
    });
    await expect(client.tokenIntrospection(app.config, tokens.refresh_token ?? '')).resolves.toMatchObject({
      active: true,
    });
    const other = await setUpClient(server, ['openid']);
    await expect(client.tokenIntrospection(other.config, tokens.access_token)).resolves.toEqual({
      active: false,
    });
    // Another client cannot revoke it either: silently ignored (RFC 7009 §2.2).
    await client.tokenRevocation(other.config, tokens.access_token);
    expect((await me(tokens.access_token)).status).toBe(200);

    await client.tokenRevocation(app.config, tokens.access_token);
    expectError(await me(tokens.access_token), 401, 'TOKEN_INVALID');
    await expect(client.tokenIntrospection(app.config, tokens.access_token)).resolves.toEqual({
      active: false,
    });
    await expect(client.refreshTokenGrant(app.config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('revokes a refresh token and the access tokens of its grant', async () => {
    const tokens = await tokensFor(app, credentials, 'openid offline_access', OFFLINE);
    await client.tokenRevocation(app.config, tokens.refresh_token ?? '');
    expectError(await me(tokens.access_token), 401, 'TOKEN_INVALID');
  });

  it('stop working when their user is removed', async () => {
    const leaving = { email: 'leaving@acme.test', password: PASSWORD };
    const gone = await server.createUser({ ...leaving, org: 'acme', roles: ['agent'] });
    const tokens = await tokensFor(app, leaving, 'openid user:read');
    const users = (token: string) => api(server.baseUrl, '/api/v1/users', { token });
    expect((await users(tokens.access_token)).status).toBe(200);
    await server.createUser({ email: 'boss@acme.test', password: PASSWORD, org: 'acme', roles: ['admin'] });
    const boss = await server.login('boss@acme.test', PASSWORD);
    const removal = await api(server.baseUrl, `/api/v1/users/${gone.id}`, {
      method: 'DELETE',
      token: boss.access_token,
    });
    expect(removal.status).toBe(200);
    expectError(await users(tokens.access_token), 401, 'TOKEN_INVALID');
  });
});

describe('other entry points', () => {
  it('passes Envoy ext_authz (HTTP mode) with the token’s permissions', async () => {
    const tokens = await tokensFor(app, credentials, 'openid user:read');
    const response = await fetch(`${server.baseUrl}/ext_authz/api/v1/tickets`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-semaswift-user-id')).toBe(user.id);
    expect(response.headers.get('x-semaswift-permissions')).toBe('user:read');
  });
});
