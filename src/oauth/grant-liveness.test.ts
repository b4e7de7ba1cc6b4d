import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenUser } from '../../test/storage/cases/fixtures.ts';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { ACTIVE_GRANT_CACHE_SECONDS, createGrantLiveness } from './grant-liveness.ts';
import { oauthIdHash } from './provider-adapter.ts';

describe('grant liveness', () => {
  let store: Store;
  let now: number;
  let users: string[];
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    now = 1_800_000_000;
    users = [(await givenUser(store)).id, (await givenUser(store)).id];
  });
  afterEach(() => store.close());

  const grant = (id: string, expiresAt: number | null, accountId = users[0] ?? '') =>
    store.upsertOAuthRecord({
      model: 'Grant',
      idHash: oauthIdHash(id),
      grantId: id,
      sessionUid: null,
      accountId,
      payload: {},
      expiresAt,
    });

  it('accepts a standing grant and refuses a missing or expired one', async () => {
    const liveness = createGrantLiveness({ store, now: () => now });
    await grant('g1', now + 100);
    await grant('g2', now - 1);
    await expect(liveness.assertActive('g1', users[0] ?? '')).resolves.toBeUndefined();
    await expect(liveness.assertActive('g2', users[0] ?? '')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    await expect(liveness.assertActive('nope', users[0] ?? '')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('believes an active grant for a while, a local revocation at once, another replica’s after the cache', async () => {
    const liveness = createGrantLiveness({ store, now: () => now });
    await grant('g1', null);
    await grant('g2', null);
    await liveness.assertActive('g1', users[0] ?? '');
    await liveness.assertActive('g2', users[0] ?? '');

    liveness.markRevoked('g1');
    await expect(liveness.assertActive('g1', users[0] ?? '')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });

    await store.revokeOAuthGrant('g2'); // as another replica would
    await expect(liveness.assertActive('g2', users[0] ?? '')).resolves.toBeUndefined();
    now += ACTIVE_GRANT_CACHE_SECONDS;
    await expect(liveness.assertActive('g2', users[0] ?? '')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('refuses a grant of another user, and forgets a changed user’s grants at once', async () => {
    const liveness = createGrantLiveness({ store, now: () => now });
    await grant('g1', null, users[0] ?? '');
    await expect(liveness.assertActive('g1', users[1] ?? '')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    await grant('g2', null, users[0] ?? '');
    await liveness.assertActive('g2', users[0] ?? '');
    await store.revokeOAuthGrant('g2');
    liveness.forgetUser(users[0] ?? '');
    await expect(liveness.assertActive('g2', users[0] ?? '')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });
});
