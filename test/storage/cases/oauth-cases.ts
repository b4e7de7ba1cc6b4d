import { expect, it } from 'vitest';
import { randomBase62 } from '../../../src/ids/new-id.ts';
import type { OAuthClientRecord, OAuthRecord } from '../../../src/oauth/oauth-store.ts';
import type { Store } from '../../../src/storage/store.ts';
import { aTokenHash, givenUser } from './fixtures.ts';

const NOW = 1_800_000_000;

/** A fresh opaque id (oidc-provider's grant ids; our client ids). */
const anId = (prefix: string): string => `${prefix}_${randomBase62(16)}`;

type NewRecord = Omit<OAuthRecord, 'consumedAt'>;

function aRecord(overrides: Partial<NewRecord> = {}): NewRecord {
  return {
    model: 'AuthorizationCode',
    idHash: aTokenHash(),
    grantId: anId('grant'),
    sessionUid: null,
    accountId: null,
    payload: { clientId: 'cli_1', scope: 'openid user:read', nested: { list: [1, 'two', null] } },
    expiresAt: NOW + 60,
    ...overrides,
  };
}

function aClient(overrides: Partial<OAuthClientRecord> = {}): OAuthClientRecord {
  return {
    id: anId('cli'),
    name: 'Acme Helpdesk',
    secretHash: 'sha256:abc',
    redirectUris: ['https://app.example/callback', 'https://app.example/other'],
    scopes: ['openid', 'profile', 'user:read'],
    firstParty: false,
    createdAt: NOW,
    ...overrides,
  };
}

/** Contract cases for the OAuth provider's storage; `store()` is a fresh store per test. */
export function oauthCases(store: () => Store): void {
  it('stores a record by id hash and finds it with its payload, unused', async () => {
    const record = aRecord();
    await store().upsertOAuthRecord(record);
    expect(await store().findOAuthRecord(record.model, record.idHash)).toEqual({
      ...record,
      consumedAt: null,
    });
    expect(await store().findOAuthRecord('RefreshToken', record.idHash)).toBeUndefined();
    expect(await store().findOAuthRecord(record.model, aTokenHash())).toBeUndefined();
  });

  it('finds a session by its uid', async () => {
    const session = aRecord({ model: 'Session', grantId: null, sessionUid: 'uid_1', expiresAt: null });
    await store().upsertOAuthRecord(session);
    expect(await store().findOAuthRecordBySessionUid('Session', 'uid_1')).toMatchObject({
      idHash: session.idHash,
    });
    expect(await store().findOAuthRecordBySessionUid('Session', 'uid_2')).toBeUndefined();
  });

  it('consumes a record once; an upsert afterwards keeps it consumed', async () => {
    const record = aRecord();
    await store().upsertOAuthRecord(record);
    expect(await store().consumeOAuthRecord(record.model, record.idHash, NOW)).toBe(true);
    expect(await store().consumeOAuthRecord(record.model, record.idHash, NOW + 1)).toBe(false);
    await store().upsertOAuthRecord({ ...record, payload: { replaced: true } });
    expect(await store().findOAuthRecord(record.model, record.idHash)).toMatchObject({
      payload: { replaced: true },
      consumedAt: NOW,
    });
    expect(await store().consumeOAuthRecord(record.model, aTokenHash(), NOW)).toBe(false);
  });

  it('lets exactly one of two concurrent consumers win', async () => {
    for (let round = 0; round < 5; round++) {
      const record = aRecord();
      await store().upsertOAuthRecord(record);
      const results = await Promise.all([
        store().consumeOAuthRecord(record.model, record.idHash, NOW),
        store().consumeOAuthRecord(record.model, record.idHash, NOW),
      ]);
      expect(results.sort()).toEqual([false, true]);
    }
  });

  it('destroys one record, and one model of a grant', async () => {
    const grantId = anId('grant');
    const code = aRecord({ grantId });
    const token = aRecord({ model: 'RefreshToken', grantId });
    const other = aRecord();
    for (const record of [code, token, other]) await store().upsertOAuthRecord(record);
    await store().deleteOAuthRecordsOfGrant('AuthorizationCode', grantId);
    expect(await store().findOAuthRecord(code.model, code.idHash)).toBeUndefined();
    expect(await store().findOAuthRecord(token.model, token.idHash)).toBeDefined();
    await store().destroyOAuthRecord(token.model, token.idHash);
    expect(await store().findOAuthRecord(token.model, token.idHash)).toBeUndefined();
    expect(await store().findOAuthRecord(other.model, other.idHash)).toBeDefined();
  });

  it('revokes a grant: the grant and everything issued under it, nothing else', async () => {
    const grantId = anId('grant');
    const grant = aRecord({ model: 'Grant', grantId, expiresAt: NOW + 3600 });
    const issued = [aRecord({ grantId }), aRecord({ model: 'RefreshToken', grantId })];
    const unrelated = aRecord({ model: 'RefreshToken' });
    for (const record of [grant, ...issued, unrelated]) await store().upsertOAuthRecord(record);
    await store().revokeOAuthGrant(grantId);
    for (const record of [grant, ...issued]) {
      expect(await store().findOAuthRecord(record.model, record.idHash)).toBeUndefined();
    }
    expect(await store().findOAuthRecord(unrelated.model, unrelated.idHash)).toBeDefined();
  });

  it('forgets records that expired before the cutoff, never those without expiry', async () => {
    const old = aRecord({ expiresAt: NOW - 10 });
    const live = aRecord({ expiresAt: NOW + 10 });
    const forever = aRecord({ model: 'Session', expiresAt: null });
    for (const record of [old, live, forever]) await store().upsertOAuthRecord(record);
    expect(await store().deleteOAuthRecordsExpiredBefore(NOW)).toBe(1);
    expect(await store().findOAuthRecord(old.model, old.idHash)).toBeUndefined();
    expect(await store().findOAuthRecord(live.model, live.idHash)).toBeDefined();
    expect(await store().findOAuthRecord(forever.model, forever.idHash)).toBeDefined();
  });

  it('removes a user’s records and consents with the user', async () => {
    const user = await givenUser(store());
    const client = aClient();
    await store().createOAuthClient(client);
    const record = aRecord({ model: 'Grant', accountId: user.id });
    await store().upsertOAuthRecord(record);
    await store().saveOAuthConsent({
      userId: user.id,
      clientId: client.id,
      scopes: ['openid'],
      grantedAt: NOW,
    });
    await store().deleteUser(user.id);
    expect(await store().findOAuthRecord(record.model, record.idHash)).toBeUndefined();
    expect(await store().findOAuthConsent(user.id, client.id)).toBeUndefined();
  });

  it('registers clients, public and confidential, and refuses a taken id', async () => {
    const confidential = aClient({ firstParty: true });
    const publicClient = aClient({ secretHash: null, redirectUris: ['com.example.app:/cb'] });
    await store().createOAuthClient(confidential);
    await store().createOAuthClient(publicClient);
    expect(await store().findOAuthClient(confidential.id)).toEqual(confidential);
    expect(await store().findOAuthClient(publicClient.id)).toEqual(publicClient);
    expect(await store().findOAuthClient('cli_unknown')).toBeUndefined();
    await expect(store().createOAuthClient(aClient({ id: confidential.id }))).rejects.toThrow();
  });

  it('updates what a client may do, keeping its secret and creation time', async () => {
    const client = aClient();
    await store().createOAuthClient(client);
    const changed = {
      id: client.id,
      name: 'Renamed',
      redirectUris: ['https://moved.example/callback'],
      scopes: ['openid'],
      firstParty: true,
    };
    expect(await store().updateOAuthClientRegistration(changed)).toBe(true);
    expect(await store().findOAuthClient(client.id)).toEqual({
      ...changed,
      secretHash: client.secretHash,
      createdAt: client.createdAt,
    });
    expect(await store().updateOAuthClientRegistration({ ...changed, id: 'cli_unknown' })).toBe(false);
  });

  it('remembers a consent per user and client, replacing the earlier one', async () => {
    const user = await givenUser(store());
    const [a, b] = [aClient(), aClient()];
    await store().createOAuthClient(a);
    await store().createOAuthClient(b);
    await store().saveOAuthConsent({ userId: user.id, clientId: a.id, scopes: ['openid'], grantedAt: NOW });
    const wider = { userId: user.id, clientId: a.id, scopes: ['openid', 'user:read'], grantedAt: NOW + 5 };
    await store().saveOAuthConsent(wider);
    expect(await store().findOAuthConsent(user.id, a.id)).toEqual(wider);
    expect(await store().findOAuthConsent(user.id, b.id)).toBeUndefined();
  });
}
