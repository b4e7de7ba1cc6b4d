import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api } from '../support/http.ts';
import { pollUntil } from '../support/poll.ts';
import { authorizeWithForms, type ClientSetup, setUpClient } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest, redeem } from './support/relying-party.ts';

const credentials = { email: 'rotate@acme.test', password: 'rotating signing keys' };

let server: OAuthTestServer;
let app: ClientSetup;

beforeAll(async () => {
  server = await startOAuthServer();
  await server.createUser({ ...credentials, org: 'acme' });
  app = await setUpClient(server, ['openid', 'user:read'], { firstParty: true });
});

afterAll(() => server?.stop());

const publishedKids = async () =>
  (await api<{ keys: Array<{ kid: string }> }>(server.baseUrl, '/.well-known/jwks.json')).body.keys.map(
    (k) => k.kid,
  );

it('signs ID and access tokens with the new key once the key ring has rotated, and honours the old ones', async () => {
  const browser = new FormBrowser();
  const first = await authorizationRequest(app.config, app.redirectUri, 'openid user:read');
  const before = await redeem(app.config, first, await authorizeWithForms(browser, first, credentials));
  const oldKid = decodeProtectedHeader(before.access_token).kid;
  expect(decodeProtectedHeader(before.id_token ?? '').kid).toBe(oldKid);

  const { kid: newKid } = (await server.cli(['keys', 'rotate'])) as { kid: string };
  // Servers re-read their keys within 10 s.
  await pollUntil(
    'the rotated key to be published',
    async () => ((await publishedKids()).length === 2 ? true : undefined),
    {
      timeoutMs: 20_000,
      intervalMs: 200,
    },
  );

  // The same browser session: an id_token_hint signed by the retired key is still recognised.
  const second = await authorizationRequest(app.config, app.redirectUri, 'openid user:read', {
    prompt: 'none',
    id_token_hint: before.id_token ?? '',
  });
  const callback = await browser.go(second.url.href, {}, app.redirectUri);
  const after = await redeem(app.config, second, callback ?? '');
  expect(decodeProtectedHeader(after.access_token).kid).toBe(newKid);
  expect(decodeProtectedHeader(after.id_token ?? '').kid).toBe(newKid);

  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.issuer));
  for (const token of [before.access_token, after.access_token, after.id_token ?? '']) {
    await expect(jwtVerify(token, jwks, { issuer: server.issuer })).resolves.toBeDefined();
  }
  for (const token of [before.access_token, after.access_token]) {
    expect((await api(server.baseUrl, '/api/v1/users/me', { token })).status).toBe(200);
  }
});
