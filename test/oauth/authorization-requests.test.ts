import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeWithForms, type ClientSetup, setUpClient } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest, client, redeem } from './support/relying-party.ts';

const credentials = { email: 'edsger@acme.test', password: 'authorization requests' };
const REGISTERED = 'https://app.example.test/callback';

type Params = Record<string, string | undefined>;

let server: OAuthTestServer;
let app: ClientSetup;

beforeAll(async () => {
  server = await startOAuthServer();
  await server.createUser({ ...credentials, org: 'acme' });
  app = await setUpClient(server, ['openid', 'profile', 'email', 'offline_access', 'user:read']);
});

afterAll(() => server?.stop());

/** The authorization endpoint's answer to `params`, not followed. */
async function authorize(params: Params): Promise<Response> {
  const url = new URL('/oauth2/auth', server.issuer);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return fetch(url, { redirect: 'manual' });
}

/** Valid parameters for `setup`'s client, with S256 PKCE. */
async function validParams(setup: ClientSetup, scope = 'openid'): Promise<Params> {
  const request = await authorizationRequest(setup.config, setup.redirectUri, scope);
  return Object.fromEntries(request.url.searchParams);
}

/** Asserts the error page: HTML, the error named, and never a redirect to the client. */
async function expectErrorPage(response: Response, error: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  expect(await response.text()).toContain(`<code>${error}</code>`);
}

/** The error redirect of RFC 6749 §4.1.2.1: to the registered URI, with error, state and iss. */
function expectErrorRedirect(response: Response, setup: ClientSetup, error: string, state: string): void {
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.href.startsWith(setup.redirectUri)).toBe(true);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(server.issuer);
}

describe('redirect URIs', () => {
  let web: ClientSetup;
  beforeAll(async () => {
    web = await setUpClient(server, ['openid'], { redirectUri: REGISTERED });
  });

  it.each([
    ['an added path', `${REGISTERED}/extra`],
    ['an added query', `${REGISTERED}?next=/admin`],
    ['a different case', 'https://app.example.test/Callback'],
    ['a different host case', 'https://APP.example.test/callback'],
    ['userinfo before the host', 'https://app.example.test@evil.example/callback'],
    ['the host as userinfo', 'https://evil.example@app.example.test/callback'],
    ['encoded dots', 'https://app.example.test/callback/%2e%2e/callback'],
    ['a fragment', `${REGISTERED}#fragment`],
    ['a trailing slash', `${REGISTERED}/`],
    ['another scheme', 'http://app.example.test/callback'],
  ])('refuses %s with an error page, never a redirect', async (_, redirectUri) => {
    await expectErrorPage(
      await authorize({ ...(await validParams(web)), redirect_uri: redirectUri }),
      'invalid_redirect_uri',
    );
  });

  it('refuses an unknown client with an error page', async () => {
    await expectErrorPage(
      await authorize({ ...(await validParams(web)), client_id: 'cli_unknown' }),
      'invalid_client',
    );
  });

  it('refuses a missing redirect_uri, also when the client registered only one (OIDC Core §3.1.2.1)', async () => {
    const two = await server.createClient({
      redirectUris: [REGISTERED, `${REGISTERED}2`],
      scopes: ['openid'],
    });
    const params: Params = { ...(await validParams(web)), client_id: two.client_id };
    delete params.redirect_uri;
    await expectErrorPage(await authorize(params), 'invalid_request');
    const one = { ...(await validParams(web)) };
    delete one.redirect_uri;
    await expectErrorPage(await authorize(one), 'invalid_request');
  });
});

describe('request errors go back to the client (RFC 6749 §4.1.2.1)', () => {
  it('refuses the plain PKCE method', async () => {
    const params: Params = { ...(await validParams(app)), code_challenge_method: 'plain' };
    expectErrorRedirect(await authorize(params), app, 'invalid_request', params.state ?? '');
  });

  it('refuses a public client without PKCE', async () => {
    const spa = await setUpClient(server, ['openid'], { isPublic: true });
    const params = await validParams(spa);
    delete params.code_challenge;
    delete params.code_challenge_method;
    expectErrorRedirect(await authorize(params), spa, 'invalid_request', params.state ?? '');
  });

  it('refuses response types other than code (no implicit flow)', async () => {
    const params: Params = { ...(await validParams(app)), response_type: 'token' };
    const response = await authorize(params);
    // An implicit response would travel in the fragment, so its error does too (RFC 6749 §4.2.2.1).
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.href.startsWith(app.redirectUri)).toBe(true);
    const answer = new URLSearchParams(location.hash.slice(1));
    expect(answer.get('error')).toBe('unsupported_response_type');
    expect(answer.get('state')).toBe(params.state);
  });

  it('names a missing response_type as such', async () => {
    const params: Params = { ...(await validParams(app)), response_type: undefined };
    const response = await authorize(params);
    expectErrorRedirect(response, app, 'invalid_request', params.state ?? '');
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error_description')).toBe("missing required parameter 'response_type'");
  });

  it('answers access_denied when the user denies consent', async () => {
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid user:read');
    const browser = new FormBrowser();
    await browser.go(request.url.href, {}, app.redirectUri);
    await browser.submit('login', credentials, app.redirectUri);
    const callback = new URL((await browser.submit('consent', { decision: 'deny' }, app.redirectUri)) ?? '');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
  });
});

describe('POST to the authorization endpoint (OIDC Core §3.1.2.1)', () => {
  const post = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    fetch(new URL('/oauth2/auth', server.issuer), {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      redirect: 'manual',
    });

  it('continues as a GET with the same parameters, and the sign-in completes', async () => {
    const state = 'ünïcode +/= %20 & "quoted"';
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid', { state });
    const form = new URLSearchParams(request.url.searchParams);
    const response = await post(form.toString());
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith('/oauth2/auth?')).toBe(true);
    expect([...new URL(location, server.issuer).searchParams]).toEqual([...form]);

    const callback = await authorizeWithForms(new FormBrowser(), request, credentials, { post: true });
    const tokens = await redeem(app.config, { ...request, state }, callback);
    expect(tokens.claims()?.nonce).toBe(request.nonce);
  });

  it.each([
    ['JSON', 'application/json', '{"client_id":"x"}', 415],
    ['a multipart form', 'multipart/form-data; boundary=x', '--x--', 415],
    ['a form too long to become a URL', undefined, `state=${'x'.repeat(9 * 1024)}`, 413],
    ['a body beyond any form', undefined, `state=${'x'.repeat(64 * 1024)}`, 413],
  ])('refuses %s with an error page', async (_, contentType, body, status) => {
    const response = await post(body, contentType);
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<code>invalid_request</code>');
  });
});

/** The auto-submitting form of response_mode=form_post: where it posts, what, and its script. */
function formPostOf(html: string): { action: string; fields: Record<string, string>; script: string } {
  const fromHtml = (text: string) =>
    text
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (action === undefined || script === undefined) throw new Error(`not a form_post page: ${html}`);
  const fields = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [
      m[1] ?? '',
      fromHtml(m[2] ?? ''),
    ]),
  );
  return { action: fromHtml(action), fields, script };
}

/** The CSP of a form_post page allows its one inline script (by hash) and a post to the client. */
function expectFormPostPolicy(csp: string | null, script: string, clientOrigin: string): void {
  const directives = new Map(
    (csp ?? '').split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  expect(directives.get('default-src')).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  const hash = createHash('sha256').update(script).digest('base64');
  expect(directives.get('script-src')).toContain(`'sha256-${hash}'`);
  expect(csp).not.toContain('unsafe-inline');
  expect(directives.get('form-action')).toContain(clientOrigin);
}

describe('response_mode=form_post', () => {
  it('delivers the code in an auto-submitting form whose script the CSP allows by hash', async () => {
    const discovery = await fetch(new URL('/.well-known/openid-configuration', server.issuer));
    const { response_modes_supported: modes } = (await discovery.json()) as Record<string, string[]>;
    expect(modes).toContain('form_post');

    const request = await authorizationRequest(app.config, app.redirectUri, 'openid', {
      response_mode: 'form_post',
    });
    const browser = new FormBrowser();
    expect(await browser.go(request.url.href, {}, app.redirectUri)).toBeUndefined();
    await browser.submit('login', credentials, app.redirectUri);
    if (browser.html.includes('/consent"')) await browser.submit('consent', { decision: 'allow' });
    expect(browser.status).toBe(200);
    const { action, fields, script } = formPostOf(browser.html);
    expect(action).toBe(app.redirectUri);
    expect(Object.keys(fields).sort()).toEqual(['code', 'iss', 'state']);
    expect(fields).toMatchObject({ state: request.state, iss: server.issuer });
    expectFormPostPolicy(browser.headers.get('content-security-policy'), script, 'http://127.0.0.1:1');

    // The relying party receives the form as a POST to its redirect URI.
    const callback = new Request(action, { method: 'POST', body: new URLSearchParams(fields) });
    const tokens = await client.authorizationCodeGrant(app.config, callback, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()?.nonce).toBe(request.nonce);
  });

  it('delivers request errors by form_post too', async () => {
    const params: Params = {
      ...(await validParams(app)),
      response_mode: 'form_post',
      code_challenge_method: 'plain',
    };
    const response = await authorize(params);
    expect(response.status).toBe(400);
    const { action, fields, script } = formPostOf(await response.text());
    expect(action).toBe(app.redirectUri);
    expect(fields).toMatchObject({ error: 'invalid_request', state: params.state, iss: server.issuer });
    expectFormPostPolicy(response.headers.get('content-security-policy'), script, 'http://127.0.0.1:1');
  });
});
