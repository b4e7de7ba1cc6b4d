import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolTotp, totpCode } from '../e2e/mfa-support.ts';
import { api } from '../support/http.ts';
import type { CreatedUser } from '../support/test-server.ts';
import {
  type CallbackServer,
  launchBrowser,
  screenshot,
  startCallbackServer,
  submitPassword,
} from './support/browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest, client, redeem, relyingParty } from './support/relying-party.ts';

const PASSWORD = 'correct horse battery staple';

let server: OAuthTestServer;
let browser: Browser;
let user: CreatedUser;
let app: CallbackServer;
let REDIRECT_URI: string;

beforeAll(async () => {
  [server, browser, app] = await Promise.all([startOAuthServer(), launchBrowser(), startCallbackServer()]);
  REDIRECT_URI = app.redirectUri;
  user = await server.createUser({
    email: 'ada@acme.test',
    password: PASSWORD,
    org: 'acme',
    name: 'Ada Lovelace',
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.stop();
});

/** at_hash (OIDC Core §3.1.3.6): the left half of the access token's SHA-256, base64url. */
const atHashOf = (accessToken: string) =>
  createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

describe('authorization code flow with a real relying party and browser', () => {
  it('signs in on our pages, asks consent, and the app gets our tokens', async () => {
    const registered = await server.createClient({
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'user:read'],
    });
    const config = await relyingParty(server.issuer, registered);
    // OIDC Core §11: offline_access (a refresh token) is granted with prompt=consent.
    const request = await authorizationRequest(
      config,
      REDIRECT_URI,
      'openid profile email offline_access user:read',
      {
        prompt: 'consent',
      },
    );
    const context = await browser.newContext();
    const page = await context.newPage();

    const response = await page.goto(request.url.href);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'sign-in');
    await submitPassword(page, 'ada@acme.test', 'a wrong password');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Email or password incorrect.');
    await screenshot(page, 'sign-in-error');
    await submitPassword(page, 'ada@acme.test', PASSWORD);

    await page.getByRole('heading', { name: 'Allow Acme Helpdesk?' }).waitFor();
    await expect(page.getByText('See the people in your organization').isVisible()).resolves.toBe(true);
    await screenshot(page, 'consent');
    await page.getByRole('button', { name: 'Allow' }).click();

    const returned = new URL(await app.next());
    expect(returned.searchParams.get('state')).toBe(request.state);
    const tokens = await redeem(config, request, returned.href);

    const idToken = tokens.claims();
    expect(idToken).toMatchObject({
      sub: user.id,
      iss: server.issuer,
      aud: registered.client_id,
      amr: ['pwd'],
    });
    expect(idToken?.nonce).toBe(request.nonce);
    expect(idToken?.auth_time).toEqual(expect.any(Number));
    expect(idToken?.at_hash).toBe(atHashOf(tokens.access_token));
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.issuer));
    await expect(jwtVerify(tokens.id_token ?? '', jwks, { algorithms: ['RS256'] })).resolves.toBeDefined();

    // Our access token (CONTRACT §3), verifiable with the one JWKS.
    expect(tokens.access_token.startsWith('eyJhbGciOiJSUzI1NiIs')).toBe(true);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      audience: 'semaswift-api',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({
      iss: server.issuer,
      sub: user.id,
      aud: 'semaswift-api',
      organization_id: user.organization_id,
      roles: [],
      permissions: ['user:read'],
      client_id: registered.client_id,
      amr: ['pwd'],
      jti: expect.any(String),
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(userinfo).toEqual({ sub: user.id, name: 'Ada Lovelace', email: 'ada@acme.test' });
    expect(
      (await api(server.baseUrl, '/api/v1/users/me', { token: tokens.access_token })).body,
    ).toMatchObject({
      id: user.id,
    });
    expect((await api(server.baseUrl, '/api/v1/users', { token: tokens.access_token })).status).toBe(200);

    // Refresh: a new pair; the spent refresh token replayed revokes the chain.
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ permissions: ['user:read'], amr: ['pwd'] });
    expect((await api(server.baseUrl, '/api/v1/users/me', { token: refreshed.access_token })).status).toBe(
      200,
    );
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await api(server.baseUrl, '/api/v1/users/me', { token: refreshed.access_token })).status).toBe(
      401,
    );

    // The browser stays signed in and the consent is remembered: straight back to the app.
    const again = await authorizationRequest(config, REDIRECT_URI, 'openid profile user:read');
    await page.goto(again.url.href);
    const second = await redeem(config, again, await app.next());
    expect(second.claims()?.sub).toBe(user.id);
    await context.close();
  });

  it('asks for the second factor when the user has TOTP on', async () => {
    const email = 'mfa@acme.test';
    await server.createUser({ email, password: PASSWORD, org: 'acme' });
    const { secret } = await enrolTotp(server, (await server.login(email, PASSWORD)).access_token);
    const registered = await server.createClient({ redirectUris: [REDIRECT_URI], scopes: ['openid'] });
    const config = await relyingParty(server.issuer, registered);
    const request = await authorizationRequest(config, REDIRECT_URI, 'openid');
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(request.url.href);
    await submitPassword(page, email, PASSWORD);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await screenshot(page, 'mfa');
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/incorrect/);
    // The next step's code: the server accepts one step either side, each step once.
    await page.getByLabel('Code', { exact: true }).fill(totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    const tokens = await redeem(config, request, await app.next());
    expect(tokens.claims()?.amr).toEqual(['pwd', 'otp']);
    expect(decodeJwt(tokens.access_token).amr).toEqual(['pwd', 'otp']);
    await context.close();
  });

  it('posts the code back with response_mode=form_post, its script allowed by the CSP', async () => {
    const registered = await server.createClient({ redirectUris: [REDIRECT_URI], scopes: ['openid'] });
    const config = await relyingParty(server.issuer, registered);
    const request = await authorizationRequest(config, REDIRECT_URI, 'openid', {
      response_mode: 'form_post',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/content.security.policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(request.url.href);
    await submitPassword(page, 'ada@acme.test', PASSWORD);
    await page.getByRole('button', { name: 'Allow' }).click();
    // The form_post page's own script submits the form to the app.
    const posted = new URL(await app.next());
    expect(Object.fromEntries(posted.searchParams)).toMatchObject({
      state: request.state,
      iss: server.issuer,
    });
    const callback = new Request(REDIRECT_URI, { method: 'POST', body: posted.searchParams });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('shows an error page, and stays on it, for a redirect URI that is not registered', async () => {
    const registered = await server.createClient({ redirectUris: [REDIRECT_URI], scopes: ['openid'] });
    const config = await relyingParty(server.issuer, registered);
    const request = await authorizationRequest(config, `${REDIRECT_URI}/elsewhere`, 'openid');
    const page = await browser.newPage();
    const response = await page.goto(request.url.href);
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(server.issuer);
    await expect(page.getByRole('heading', { name: 'Sign-in could not continue' }).isVisible()).resolves.toBe(
      true,
    );
    await screenshot(page, 'error');
    await page.close();
  });
});
