import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api } from '../support/http.ts';
import { pollUntil } from '../support/poll.ts';
import {
  type CreatedUser,
  startTestServer,
  TEST_ISSUER,
  type TestServer,
  type TokenPair,
} from '../support/test-server.ts';
import { AUDIENCE, readSigningKeys, signAccessToken } from '../support/tokens.ts';

const PASSWORD = 'rotate the keys';

let server: TestServer;
let user: CreatedUser;

beforeAll(async () => {
  server = await startTestServer();
  user = await server.createUser({ email: 'user@rotation.test', password: PASSWORD, org: 'rotation' });
});

afterAll(() => server?.stop());

const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const publishedKids = async () =>
  (await api<{ keys: Array<{ kid: string }> }>(server.baseUrl, '/.well-known/jwks.json')).body.keys.map(
    (k) => k.kid,
  );
const me = (token: string) => api(server.baseUrl, '/api/v1/users/me', { token });

it('keeps tokens signed before `keys rotate` valid, and signs with the new key once reloaded', async () => {
  // Two sessions before the rotation: one used before the server reloads, one only after.
  const usedEarly = await server.login(user.email, PASSWORD);
  const usedLate = await server.login(user.email, PASSWORD);
  const oldKid = kidOf(usedEarly.access_token);
  expect(await publishedKids()).toEqual([oldKid]);

  const { kid: newKid } = (await server.cli(['keys', 'rotate'])) as { kid: string };
  expect(newKid).toEqual(expect.any(String));
  expect(newKid).not.toBe(oldKid);
  expect((await me(usedEarly.access_token)).status).toBe(200);

  // The server re-reads its keys every 10 s: wait for the JWKS to publish both.
  const kids = await pollUntil(
    'the JWKS to publish the rotated key',
    async () => {
      const published = await publishedKids();
      return published.length === 2 ? published : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  expect(kids.sort()).toEqual([oldKid, newKid].sort());

  // Signed by the retired key: still verifies, through the server and independently via the JWKS.
  expect((await me(usedLate.access_token)).status).toBe(200);
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
  const verifyOptions = { issuer: TEST_ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };
  await expect(jwtVerify(usedLate.access_token, jwks, verifyOptions)).resolves.toBeDefined();

  // New tokens carry the new kid, whether from a login or from refreshing an old session.
  const fresh = await server.login(user.email, PASSWORD);
  expect(kidOf(fresh.access_token)).toBe(newKid);
  expect(kidOf(fresh.refresh_token)).toBe(newKid);
  await expect(jwtVerify(fresh.access_token, jwks, verifyOptions)).resolves.toBeDefined();
  const refreshed = await api<TokenPair>(server.baseUrl, '/api/v1/auth/refresh', {
    json: { refresh_token: usedLate.refresh_token },
  });
  expect(refreshed.status).toBe(200);
  expect(kidOf(refreshed.body.access_token)).toBe(newKid);
});

it('reloads at once when a token names a kid it has not seen yet', async () => {
  const before = await publishedKids();
  const { kid } = (await server.cli(['keys', 'rotate'])) as { kid: string };
  const newest = readSigningKeys(server.dbPath).find((key) => key.kid === kid);
  if (!newest) throw new Error(`rotated key ${kid} is not in the database`);
  const token = await signAccessToken(newest, {
    sub: user.id,
    organization_id: user.organization_id,
    roles: ['agent'],
    permissions: ['user:read'],
  });

  expect((await me(token)).status).toBe(200);
  expect((await publishedKids()).sort()).toEqual([...before, kid].sort());
  expect(kidOf((await server.login(user.email, PASSWORD)).access_token)).toBe(kid);
});
