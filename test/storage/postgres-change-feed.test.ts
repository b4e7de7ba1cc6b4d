import { describe, expect, it } from 'vitest';
import { EVENTS_CHANNEL } from '../../src/storage/postgres/change-feed.ts';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import type { Store } from '../../src/storage/store.ts';
import type { PublishedStoreEvent, StoreEvent } from '../../src/storage/store-events.ts';
import { pollUntil } from '../support/poll.ts';
import { uniqueApplicationName, usePostgresTestDatabase } from './helpers/postgres-test-database.ts';

const baseUrl = process.env.SEMASWIFT_TEST_POSTGRES_URL;

/** Every event a store's subscriber receives, and a way to wait for one. */
function follow(store: Store) {
  const events: StoreEvent[] = [];
  store.subscribe((event) => events.push(event));
  const count = (predicate: (event: StoreEvent) => boolean) => events.filter(predicate).length;
  return {
    events,
    published: () => events.filter((event) => event.type !== 'resync'),
    /** Waits until `predicate` holds for at least `times` received events. */
    waitFor: (what: string, predicate: (event: StoreEvent) => boolean, times = 1) =>
      pollUntil(what, async () => (count(predicate) >= times ? true : undefined), {
        timeoutMs: 5_000,
        intervalMs: 10,
      }),
  };
}

const isResync = (event: StoreEvent) => event.type === 'resync';
const isEqual = (expected: StoreEvent) => (event: StoreEvent) =>
  JSON.stringify(event) === JSON.stringify(expected);

describe.skipIf(!baseUrl)('postgres change feed (set SEMASWIFT_TEST_POSTGRES_URL to run)', () => {
  const db = usePostgresTestDatabase(baseUrl ?? '');

  /** Opens stores on `url`, runs `work`, closes them whatever happens. */
  async function withStores(urls: string[], work: (stores: Store[]) => Promise<void>): Promise<void> {
    const stores = await Promise.all(urls.map((url) => openPostgresStore(url)));
    try {
      await work(stores);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }

  it('delivers what one store publishes to another store on the same schema, once each', async () => {
    const { url } = db.freshSchema();
    await withStores([url, url], async ([a, b]) => {
      if (!a || !b) throw new Error('two stores expected');
      const fromA = follow(a);
      const fromB = follow(b);
      await fromA.waitFor('a to listen', isResync);
      await fromB.waitFor('b to listen', isResync);

      const sent: PublishedStoreEvent[] = [
        { type: 'pat.revoked', tokenHash: 'hash-of-a-pat' },
        { type: 'keys.rotated' },
        { type: 'user.changed', userId: 'usr_someone' },
      ];
      for (const event of sent) await a.publish(event);
      await fromB.waitFor('b to see all three', (event) => event.type !== 'resync', 3);
      expect(fromB.published()).toEqual(sent);

      // Notifications arrive in commit order: once a sees b's, an echo of its own would be in.
      const sentinel: PublishedStoreEvent = { type: 'user.changed', userId: 'usr_sentinel' };
      await b.publish(sentinel);
      await fromA.waitFor('a to see b’s event', isEqual(sentinel));
      expect(fromA.published()).toEqual([...sent, sentinel]);
    });
  });

  it('keeps deployments on other schemas of the same database apart', async () => {
    const ours = db.freshSchema().url;
    const theirs = db.freshSchema().url;
    await withStores([ours, theirs, theirs], async ([publisher, listener, neighbour]) => {
      if (!publisher || !listener || !neighbour) throw new Error('three stores expected');
      const seen = follow(listener);
      await seen.waitFor('the listener to listen', isResync);

      await publisher.publish({ type: 'keys.rotated' });
      const sentinel: PublishedStoreEvent = { type: 'user.changed', userId: 'usr_neighbour' };
      await neighbour.publish(sentinel);
      await seen.waitFor('the neighbour’s event', isEqual(sentinel));
      expect(seen.published()).toEqual([sentinel]);
    });
  });

  it('reconnects after its LISTEN connection is terminated, says resync, and delivers again', async () => {
    const applicationName = uniqueApplicationName();
    const { url } = db.freshSchema();
    const listenerUrl = new URL(url);
    listenerUrl.searchParams.set('application_name', applicationName);
    await withStores([url, listenerUrl.toString()], async ([publisher, listener]) => {
      if (!publisher || !listener) throw new Error('two stores expected');
      const seen = follow(listener);
      await seen.waitFor('the first LISTEN', isResync);

      const { rowCount } = await db
        .admin()
        .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          applicationName,
        ]);
      expect(rowCount).toBeGreaterThan(0);
      await seen.waitFor('a resync after reconnecting', isResync, 2);

      const event: PublishedStoreEvent = { type: 'pat.revoked', tokenHash: 'after-reconnect' };
      await publisher.publish(event);
      await seen.waitFor('the event published after reconnecting', isEqual(event));
    });
  });

  it('passes on only well-formed events, rebuilt from their known fields', async () => {
    const { schema, url } = db.freshSchema();
    await withStores([url], async ([listener]) => {
      if (!listener) throw new Error('a store expected');
      const seen = follow(listener);
      await seen.waitFor('the first LISTEN', isResync);
      const envelope = (event: unknown) => JSON.stringify({ v: 1, scope: schema, origin: 'psql', event });
      for (const payload of [
        'not json',
        JSON.stringify({ v: 2, scope: schema, origin: 'psql', event: { type: 'keys.rotated' } }),
        envelope({ type: 'pat.revoked' }),
        envelope({ type: 'resync' }),
        envelope({ type: 'user.changed', userId: 'usr_ok', extra: 'dropped' }),
      ]) {
        await db.admin().query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload]);
      }
      await seen.waitFor('the well-formed event', (event) => event.type === 'user.changed');
      expect(seen.events).toEqual([{ type: 'resync' }, { type: 'user.changed', userId: 'usr_ok' }]);
    });
  });

  it('opens no LISTEN connection until something subscribes, and closes it with the store', async () => {
    const applicationName = uniqueApplicationName();
    const store = await openPostgresStore(db.freshSchema({ application_name: applicationName }).url);
    const connections = async () =>
      (
        await db
          .admin()
          .query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'", [
            applicationName,
          ])
      ).rowCount;
    try {
      await store.publish({ type: 'keys.rotated' });
      expect(await connections()).toBe(0);
      await follow(store).waitFor('the first LISTEN', isResync);
      expect(await connections()).toBe(1);
    } finally {
      await store.close();
    }
    // The backend leaves pg_stat_activity a moment after the socket closes.
    await pollUntil(
      'the LISTEN connection to go',
      async () => ((await connections()) === 0 ? true : undefined),
      {
        timeoutMs: 2_000,
        intervalMs: 20,
      },
    );
  });
});
