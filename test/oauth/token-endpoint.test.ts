import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { authorizeWithForms, type ClientSetup, setUpClient } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest, client, redeem, relyingParty } from './support/relying-party.ts';

const PASSWORD = 'token endpoint tests';
const OFFLINE = { prompt: 'consent' };

let server: OAuthTestServer;
let app: ClientSetup;
const credentials = { email: 'grace@acme.test', password: PASSWORD };

beforeAll(async () => {
  server = await startOAuthServer();
  await server.createUser({ ...credentials, org: 'acme', roles: ['agent'], name: 'Grace Hopper' });
  app = await setUpClient(server, ['openid', 'offline_access', 'user:read']);
});

afterAll(() => server?.stop());

const me = (token: string) => api(server.baseUrl, '/api/v1/users/me', { token });

/** A code, its request (verifier, state, nonce) and the callback URL, ready to redeem. */
async function freshCode(setup = app, scope = 'openid offline_access user:read') {
  const request = await authorizationRequest(setup.config, setup.redirectUri, scope, OFFLINE);
  const callback = await authorizeWithForms(new FormBrowser(), request, credentials);
  return { request, callback, code: new URL(callback).searchParams.get('code') ?? '' };
}

/** A raw token request (client_secret_basic), for what openid-client would refuse to send. */
function tokenRequest(setup: ClientSetup, form: Record<string, string>) {
  const basic = Buffer.from(`${setup.registered.client_id}:${setup.registered.client_secret ?? ''}`).toString(
    'base64',
  );
  return fetch(`${server.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams(form),
  });
}

describe('authorization codes', () => {
  it('are single use: a second redemption fails and revokes what the first issued', async () => {
    const { request, callback } = await freshCode();
    const tokens = await redeem(app.config, request, callback);
    expect((await me(tokens.access_token)).status).toBe(200);

    await expect(redeem(app.config, request, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
    expectError(await me(tokens.access_token), 401, 'TOKEN_INVALID');
    await expect(client.refreshTokenGrant(app.config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('are single use under parallel redemption: one wins, and its tokens are revoked too', async () => {
    for (let round = 0; round < 3; round++) {
      const { request, code } = await freshCode();
      const form = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: app.redirectUri,
        code_verifier: request.codeVerifier,
      };
      const responses = await Promise.all(Array.from({ length: 5 }, () => tokenRequest(app, form)));
      const bodies = await Promise.all(responses.map((r) => r.json() as Promise<Record<string, string>>));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
      expect(bodies.filter((b) => b.error).map((b) => b.error)).toEqual(Array(4).fill('invalid_grant'));
      const winner = bodies.find((b) => b.access_token);
      expectError(await me(winner?.access_token ?? ''), 401, 'TOKEN_INVALID');
      const refresh = await tokenRequest(app, {
        grant_type: 'refresh_token',
        refresh_token: winner?.refresh_token ?? '',
      });
      expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('are bound to the PKCE verifier, the redirect URI and the client', async () => {
    const { request, code } = await freshCode();
    const base = { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri };
    const wrongVerifier = await tokenRequest(app, { ...base, code_verifier: 'x'.repeat(43) });
    expect([wrongVerifier.status, await wrongVerifier.json()]).toEqual([
      400,
      expect.objectContaining({ error: 'invalid_grant' }),
    ]);

    const other = await setUpClient(server, ['openid'], { redirectUri: app.redirectUri });
    const otherClient = await tokenRequest(other, { ...base, code_verifier: request.codeVerifier });
    expect(await otherClient.json()).toMatchObject({ error: 'invalid_grant' });

    const wrongRedirect = await tokenRequest(app, {
      ...base,
      redirect_uri: `${app.redirectUri}/x`,
      code_verifier: request.codeVerifier,
    });
    expect(await wrongRedirect.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('need the redirect_uri the request had, even when the client registered only one (RFC 6749 §4.1.3)', async () => {
    const { request, code } = await freshCode();
    const form = { grant_type: 'authorization_code', code, code_verifier: request.codeVerifier };
    const omitted = await tokenRequest(app, form);
    expect(omitted.status).toBe(400);
    expect(await omitted.json()).toMatchObject({ error: 'invalid_request' });
    // Refused before the code was looked at: it still works with its redirect URI.
    const given = await tokenRequest(app, { ...form, redirect_uri: app.redirectUri });
    expect(given.status).toBe(200);
  });

  it('live at most 60 seconds', async () => {
    const { code } = await freshCode();
    const codes = server.rows<{ payload: string }>(
      "SELECT payload FROM oauth_records WHERE model = 'AuthorizationCode'",
    );
    expect(codes.length).toBeGreaterThan(0);
    for (const stored of codes) {
      const payload = JSON.parse(stored.payload) as { iat: number; exp: number };
      expect(payload.exp - payload.iat).toBeLessThanOrEqual(60);
      // Stored by hash: the code itself is nowhere in the database.
      expect(stored.payload).not.toContain(code);
    }
  });
});

describe('client authentication', () => {
  it('accepts client_secret_basic and client_secret_post, and refuses a wrong secret', async () => {
    const { request, callback } = await freshCode();
    const post = await relyingParty(server.issuer, app.registered, 'post');
    await expect(redeem(post, request, callback)).resolves.toMatchObject({ token_type: 'bearer' });

    const { code } = await freshCode();
    const wrong = await tokenRequest(
      { ...app, registered: { ...app.registered, client_secret: 'not-the-secret' } },
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: app.redirectUri,
      },
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses the password grant and the implicit flow', async () => {
    const password = await tokenRequest(app, {
      grant_type: 'password',
      username: credentials.email,
      password: PASSWORD,
    });
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});
