import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { ACTIVE_GRANT_CACHE_SECONDS, createGrantLiveness } from './grant-liveness.ts';
import { oauthIdHash } from './provider-adapter.ts';

describe('grant liveness', () => {
  let store: Store;
  let now: number;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    now = 1_800_000_000;
  });
  afterEach(() => store.close());

  const grant = (id: string, expiresAt: number | null) =>
    store.upsertOAuthRecord({
      model: 'Grant',
      idHash: oauthIdHash(id),
      grantId: id,
      sessionUid: null,
      accountId: null,
      payload: {},
      expiresAt,
    });

  it('accepts a standing grant and refuses a missing or expired one', async () => {
    const liveness = createGrantLiveness({ store, now: () => now });
    await grant('g1', now + 100);
    await grant('g2', now - 1);
    await expect(liveness.assertActive('g1')).resolves.toBeUndefined();
    await expect(liveness.assertActive('g2')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(liveness.assertActive('nope')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('believes an active grant for a while, a local revocation at once, another replica’s after the cache', async () => {
    const liveness = createGrantLiveness({ store, now: () => now });
    await grant('g1', null);
    await grant('g2', null);
    await liveness.assertActive('g1');
    await liveness.assertActive('g2');

    liveness.markRevoked('g1');
    await expect(liveness.assertActive('g1')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

    await store.revokeOAuthGrant('g2'); // as another replica would
    await expect(liveness.assertActive('g2')).resolves.toBeUndefined();
    now += ACTIVE_GRANT_CACHE_SECONDS;
    await expect(liveness.assertActive('g2')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
