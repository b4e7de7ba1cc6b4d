import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolTotp } from '../e2e/mfa-support.ts';
import { authorizeWithForms, type ClientSetup, setUpClient } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest, client, redeem } from './support/relying-party.ts';

const credentials = { email: 'barbara@acme.test', password: 'sign-in page tests' };

let server: OAuthTestServer;
let app: ClientSetup;

beforeAll(async () => {
  server = await startOAuthServer();
  await server.createUser({ ...credentials, org: 'acme' });
  app = await setUpClient(server, ['openid', 'profile', 'email', 'offline_access', 'user:read']);
});

afterAll(() => server?.stop());

/** The authorization endpoint's answer, not followed. */
const authorize = (url: URL) => fetch(url, { redirect: 'manual' });

describe('the sign-in pages', () => {
  it('return state and nonce byte for byte', async () => {
    const state = 'ünïcode +/= %20 & <tag> "quoted" 🙂';
    const nonce = 'n-0 +/=?&%';
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid', { state, nonce });
    const callback = await authorizeWithForms(new FormBrowser(), request, credentials);
    expect(new URL(callback).searchParams.get('state')).toBe(state);
    const tokens = await client.authorizationCodeGrant(app.config, new URL(callback), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.nonce).toBe(nonce);
  });

  it('reuse the browser session; prompt=login and max_age=0 ask for the password again', async () => {
    const browser = new FormBrowser();
    const first = await authorizationRequest(app.config, app.redirectUri, 'openid');
    await authorizeWithForms(browser, first, credentials);

    const silent = await authorizationRequest(app.config, app.redirectUri, 'openid', { prompt: 'none' });
    const callback = await browser.go(silent.url.href, {}, app.redirectUri);
    const tokens = await redeem(app.config, silent, callback ?? '');
    const firstAuthTime = tokens.claims()?.auth_time;

    const extras: Array<Record<string, string>> = [{ prompt: 'login' }, { max_age: '0' }];
    for (const extra of extras) {
      const again = await authorizationRequest(app.config, app.redirectUri, 'openid', extra);
      expect(await browser.go(again.url.href, {}, app.redirectUri)).toBeUndefined();
      expect(browser.html).toContain('<h1>Sign in</h1>');
      const returned = await browser.submit('login', credentials, app.redirectUri);
      const claims = (await redeem(app.config, again, returned ?? '')).claims();
      expect(claims?.auth_time).toBeGreaterThanOrEqual(firstAuthTime ?? 0);
    }
  });

  it('answer prompt=none without a session with login_required', async () => {
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid', { prompt: 'none' });
    const location = new URL((await authorize(request.url)).headers.get('location') ?? '');
    expect(location.href.startsWith(app.redirectUri)).toBe(true);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: 'login_required',
      state: request.state,
      iss: server.issuer,
    });
  });

  it('fill in the email from login_hint', async () => {
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid', {
      login_hint: 'someone@acme.test',
    });
    const browser = new FormBrowser();
    await browser.go(request.url.href, {}, app.redirectUri);
    expect(browser.html).toContain('value="someone@acme.test"');
  });

  it('skip the consent page for a first-party client, even when the request asks for it', async () => {
    const own = await setUpClient(server, ['openid', 'offline_access', 'user:read'], { firstParty: true });
    const request = await authorizationRequest(
      own.config,
      own.redirectUri,
      'openid offline_access user:read',
      {
        prompt: 'consent',
      },
    );
    const browser = new FormBrowser();
    await browser.go(request.url.href, {}, own.redirectUri);
    const callback = await browser.submit('login', credentials, own.redirectUri);
    expect(callback).toMatch(/[?&]code=/);
    const tokens = await redeem(own.config, request, callback ?? '');
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('refuse a form without its CSRF token', async () => {
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid');
    const browser = new FormBrowser();
    await browser.go(request.url.href, {}, app.redirectUri);
    const action = new URL(`${new URL(browser.url).pathname}/login`, server.issuer).href;
    await browser.go(
      action,
      { method: 'POST', form: { ...credentials, csrf: 'x'.repeat(43) } },
      app.redirectUri,
    );
    expect(browser.status).toBe(403);
    expect(browser.html).toContain('This form has expired');
  });

  it('lock an account after 10 wrong passwords, even for the right one', async () => {
    const email = 'target@acme.test';
    await server.createUser({ email, password: credentials.password, org: 'acme' });
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid');
    const browser = new FormBrowser();
    await browser.go(request.url.href, {}, app.redirectUri);
    for (let attempt = 0; attempt < 10; attempt++) {
      await browser.submit('login', { email, password: 'wrong password' });
      expect(browser.status).toBe(401);
    }
    await browser.submit('login', { email, password: credentials.password });
    expect(browser.status).toBe(429);
    expect(browser.html).toContain('Too many attempts');
  });

  it('accept a recovery code as the second factor, once', async () => {
    const email = 'recovery@acme.test';
    await server.createUser({ email, password: credentials.password, org: 'acme' });
    const { recoveryCodes } = await enrolTotp(
      server,
      (await server.login(email, credentials.password)).access_token,
    );
    const signInWith = async (code: string) => {
      const request = await authorizationRequest(app.config, app.redirectUri, 'openid');
      const browser = new FormBrowser();
      await browser.go(request.url.href, {}, app.redirectUri);
      await browser.submit('login', { email, password: credentials.password });
      expect(browser.html).toContain('Two-step verification');
      let callback = await browser.submit('mfa', { method: 'recovery_code', code }, app.redirectUri);
      if (callback === undefined && browser.html.includes('/consent"')) {
        callback = await browser.submit('consent', { decision: 'allow' }, app.redirectUri);
      }
      if (callback === undefined) return { browser };
      return { browser, tokens: await redeem(app.config, request, callback) };
    };
    const first = await signInWith(recoveryCodes[0] ?? '');
    expect(first.tokens?.claims()?.amr).toEqual(['pwd', 'kba']);
    const again = await signInWith(recoveryCodes[0] ?? '');
    expect(again.tokens).toBeUndefined();
    expect(again.browser.status).toBe(401);
  });
});
