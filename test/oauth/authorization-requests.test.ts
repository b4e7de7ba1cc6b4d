import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientSetup, setUpClient } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest } from './support/relying-party.ts';

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

  it('refuses a missing redirect_uri when two are registered, and takes the only one otherwise', async () => {
    const two = await server.createClient({
      redirectUris: [REGISTERED, `${REGISTERED}2`],
      scopes: ['openid'],
    });
    const params: Params = { ...(await validParams(web)), client_id: two.client_id };
    delete params.redirect_uri;
    await expectErrorPage(await authorize(params), 'invalid_request');
    const one = { ...(await validParams(web)) };
    delete one.redirect_uri;
    expect((await authorize(one)).headers.get('location')).toMatch(/^\/oauth2\/auth\/interaction\//);
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
