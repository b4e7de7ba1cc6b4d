import { expect, it } from 'vitest';
import type { Store } from '../../../src/storage/store.ts';
import type { PublishedStoreEvent, StoreEvent } from '../../../src/storage/store-events.ts';

/** Everything but `resync`, which a store may send at any time on its own (PostgreSQL: on LISTEN). */
const published = (events: StoreEvent[]): StoreEvent[] => events.filter((event) => event.type !== 'resync');

const EVENTS: PublishedStoreEvent[] = [
  { type: 'pat.revoked', tokenHash: 'hash-of-a-pat' },
  { type: 'keys.rotated' },
  { type: 'user.changed', userId: 'usr_changed' },
  { type: 'user.changed', userId: 'usr_removed', removed: true },
  { type: 'grant.revoked', grantId: 'grant_revoked' },
];

/** Contract cases for the change feed as seen from one store; `store()` is a fresh store per test. */
export function eventCases(store: () => Store): void {
  it('delivers every kind of event to a subscriber of the same store before publish resolves', async () => {
    const seen: StoreEvent[] = [];
    store().subscribe((event) => seen.push(event));
    for (const event of EVENTS) {
      await store().publish(event);
      expect(published(seen).at(-1)).toEqual(event);
    }
    expect(published(seen)).toEqual(EVENTS);
  });

  it('stops delivering to a subscriber that unsubscribed, and keeps delivering to the others', async () => {
    const kept: StoreEvent[] = [];
    const dropped: StoreEvent[] = [];
    store().subscribe((event) => kept.push(event));
    const unsubscribe = store().subscribe((event) => dropped.push(event));
    await store().publish({ type: 'keys.rotated' });
    unsubscribe();
    await store().publish({ type: 'user.changed', userId: 'usr_after' });

    expect(published(kept)).toEqual([
      { type: 'keys.rotated' },
      { type: 'user.changed', userId: 'usr_after' },
    ]);
    expect(published(dropped)).toEqual([{ type: 'keys.rotated' }]);
  });

  it('delivers to every subscriber even when one of them throws', async () => {
    const seen: StoreEvent[] = [];
    store().subscribe(() => {
      throw new Error('a broken cache');
    });
    store().subscribe((event) => seen.push(event));
    await expect(store().publish({ type: 'pat.revoked', tokenHash: 'h' })).resolves.toBeUndefined();
    expect(published(seen)).toEqual([{ type: 'pat.revoked', tokenHash: 'h' }]);
  });
}
