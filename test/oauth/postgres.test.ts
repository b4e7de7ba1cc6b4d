import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgresTestDatabase } from '../storage/helpers/postgres-test-database.ts';
import { api, expectError } from '../support/http.ts';
import { authorizeWithForms, type ClientSetup, setUpClient } from './support/flows.ts';
import { FormBrowser } from './support/form-browser.ts';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';
import { authorizationRequest } from './support/relying-party.ts';

const baseUrl = process.env.SEMASWIFT_TEST_POSTGRES_URL;
const credentials = { email: 'linus@acme.test', password: 'postgres backed sign-in' };

/**
 * On PostgreSQL, requests really run side by side (each store call is a round trip), so the races
 * the SQLite tests cannot provoke happen here: parallel redemptions of one code, parallel refreshes.
 */
describe.skipIf(!baseUrl)('OAuth on PostgreSQL (set SEMASWIFT_TEST_POSTGRES_URL to run)', () => {
  const db = usePostgresTestDatabase(baseUrl ?? '');
  let server: OAuthTestServer;
  let app: ClientSetup;

  beforeAll(async () => {
    server = await startOAuthServer({ db: db.freshSchema().url });
    await server.createUser({ ...credentials, org: 'acme' });
    app = await setUpClient(server, ['openid', 'offline_access', 'user:read']);
  });
  afterAll(() => server?.stop());

  const token = (form: Record<string, string>) =>
    fetch(`${server.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...form,
        client_id: app.registered.client_id,
        client_secret: app.registered.client_secret ?? '',
      }),
    });
  const raced = async (form: Record<string, string>) => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => token(form)));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<Record<string, string>>));
    return { statuses: responses.map((r) => r.status).sort(), bodies };
  };

  it('lets one of several parallel redemptions of a code win, and revokes what it got', async () => {
    for (let round = 0; round < 3; round++) {
      const request = await authorizationRequest(
        app.config,
        app.redirectUri,
        'openid offline_access user:read',
        {
          prompt: 'consent',
        },
      );
      const callback = await authorizeWithForms(new FormBrowser(), request, credentials);
      const code = new URL(callback).searchParams.get('code') ?? '';
      const { statuses, bodies } = await raced({
        grant_type: 'authorization_code',
        code,
        redirect_uri: app.redirectUri,
        code_verifier: request.codeVerifier,
      });
      expect(statuses).toEqual([200, 400, 400, 400, 400, 400]);
      const winner = bodies.find((b) => b.access_token);
      expectError(
        await api(server.baseUrl, '/api/v1/users/me', { token: winner?.access_token ?? '' }),
        401,
        'TOKEN_INVALID',
      );

      // The refresh token of a revoked grant is refused, raced or not.
      const refreshes = await raced({
        grant_type: 'refresh_token',
        refresh_token: winner?.refresh_token ?? '',
      });
      expect(refreshes.statuses).toEqual(Array(6).fill(400));
    }
  });

  it('lets one of several parallel refreshes win, and the reuse revokes the chain', async () => {
    const request = await authorizationRequest(app.config, app.redirectUri, 'openid offline_access', {
      prompt: 'consent',
    });
    const callback = await authorizeWithForms(new FormBrowser(), request, credentials);
    const first = await token({
      grant_type: 'authorization_code',
      code: new URL(callback).searchParams.get('code') ?? '',
      redirect_uri: app.redirectUri,
      code_verifier: request.codeVerifier,
    });
    const { refresh_token: refreshToken } = (await first.json()) as { refresh_token: string };
    const { statuses, bodies } = await raced({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400]);
    const winner = bodies.find((b) => b.refresh_token);
    const after = await token({ grant_type: 'refresh_token', refresh_token: winner?.refresh_token ?? '' });
    expect(await after.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
