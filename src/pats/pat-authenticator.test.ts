import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadServerSecret } from '../keys/server-secret.ts';
import type { UserRecord } from '../storage/store.ts';
import { createPatAuthenticator } from './pat-authenticator.ts';
import { generatePat } from './pat-format.ts';
import type { PatRecord } from './pat-store.ts';

const secret = loadServerSecret({
  secretKey: randomBytes(32).toString('base64'),
  developmentKeyFile: '/nonexistent/secret.key',
  warn: () => {},
});
const owner: UserRecord = {
  id: 'usr_owner',
  organizationId: 'org_1',
  email: 'owner@example.com',
  emailKey: 'owner@example.com',
  name: '',
  passwordHash: '',
  roles: ['admin'],
  createdAt: 0,
};

/** An authenticator over a store whose PAT lookups answer only when the test says so. */
function setUp() {
  const token = generatePat('live');
  const pat: PatRecord = {
    id: 'pat_1',
    userId: owner.id,
    organizationId: owner.organizationId,
    name: 'test',
    tokenHash: secret.mac('pat', token),
    tokenHint: '',
    permissions: null,
    createdAt: 0,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    revokedAt: null,
    lastUsedAt: null,
  };
  const pending: Array<() => void> = [];
  let lookups = 0;
  const store = {
    findPatByHash: async () => {
      lookups++;
      await new Promise<void>((resolve) => pending.push(resolve));
      return pat;
    },
    findUserById: async () => owner,
  };
  const lastUsed = { record: () => {}, latest: () => undefined, flush: async () => {}, stop: async () => {} };
  const authenticator = createPatAuthenticator({ store, secret, environment: 'live', lastUsed });
  const answerLookups = () => {
    for (const resolve of pending.splice(0)) resolve();
  };
  return { token, pat, authenticator, answerLookups, lookups: () => lookups };
}

describe('PAT authenticator cache', () => {
  it('serves a PAT from its cache after the first lookup', async () => {
    const { token, authenticator, answerLookups, lookups } = setUp();
    const first = authenticator.authenticate(token);
    answerLookups();
    await first;
    await authenticator.authenticate(token);
    expect(lookups()).toBe(1);
  });

  it('does not cache a lookup that was in flight when the token was forgotten (a revocation elsewhere)', async () => {
    const { token, pat, authenticator, answerLookups, lookups } = setUp();
    const inFlight = authenticator.authenticate(token);
    authenticator.forgetToken(pat.tokenHash); // the revocation arrives while the row is being read
    answerLookups();
    await inFlight;

    const next = authenticator.authenticate(token);
    await Promise.resolve();
    expect(lookups()).toBe(2); // asked storage again instead of trusting the stale read
    answerLookups();
    await next;
  });

  it('looks every PAT up again after forgetAll', async () => {
    const { token, authenticator, answerLookups, lookups } = setUp();
    const first = authenticator.authenticate(token);
    answerLookups();
    await first;
    authenticator.forgetAll();
    const again = authenticator.authenticate(token);
    answerLookups();
    await again;
    expect(lookups()).toBe(2);
  });
});
