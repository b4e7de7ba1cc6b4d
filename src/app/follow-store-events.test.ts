import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLocalEventBus } from '../storage/store-events.ts';
import { followStoreEvents } from './follow-store-events.ts';

function setUp() {
  // The in-process feed, with the bus in reach so a test can send what only a store sends (resync).
  const bus = createLocalEventBus();
  const store = {
    publish: async (event: Parameters<typeof bus.deliver>[0]) => bus.deliver(event),
    subscribe: bus.subscribe,
  };
  const calls: string[] = [];
  let releaseReload: (() => void) | undefined;
  const keyRing = {
    reload: () => {
      calls.push('reload');
      return new Promise<void>((resolve) => {
        releaseReload = resolve;
      });
    },
  };
  const patAuthenticator = {
    forgetToken: (hash: string) => calls.push(`forgetToken ${hash}`),
    forgetUser: (id: string) => calls.push(`forgetUser ${id}`),
    forgetAll: () => calls.push('forgetAll'),
  };
  const grants = {
    markRevoked: (id: string) => calls.push(`grantRevoked ${id}`),
    forgetUser: (id: string) => calls.push(`grantsForgetUser ${id}`),
    forgetActive: () => calls.push('grantsForgetActive'),
  };
  const removedUsers = { add: (id: string) => calls.push(`removed ${id}`) };
  const feed = followStoreEvents({
    store,
    patAuthenticator,
    grants,
    removedUsers,
    keyRing,
    logger: pino({ level: 'silent' }),
  });
  const finishReload = async () => {
    releaseReload?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { bus, store, calls, feed, finishReload };
}

describe('followStoreEvents', () => {
  it('applies an announced change to this replica before announce returns', () => {
    const { calls, feed } = setUp();
    feed.announce({ type: 'pat.revoked', tokenHash: 'h1' });
    feed.announce({ type: 'user.changed', userId: 'usr_1' });
    feed.announce({ type: 'grant.revoked', grantId: 'g1' });
    feed.announce({ type: 'user.changed', userId: 'usr_2', removed: true });
    expect(calls).toEqual([
      'forgetToken h1',
      'forgetUser usr_1',
      'grantsForgetUser usr_1',
      'grantRevoked g1',
      'removed usr_2',
      'forgetUser usr_2',
      'grantsForgetUser usr_2',
    ]);
  });

  it('drops every cached PAT and active grant and reloads keys on resync', async () => {
    const { bus, calls } = setUp();
    bus.deliver({ type: 'resync' });
    expect(calls).toEqual(['forgetAll', 'grantsForgetActive', 'reload']);
  });

  it('reloads once more when keys rotate again during a reload, and no more than that', async () => {
    const { store, calls, finishReload } = setUp();
    await store.publish({ type: 'keys.rotated' });
    await store.publish({ type: 'keys.rotated' });
    await store.publish({ type: 'keys.rotated' });
    expect(calls).toEqual(['reload']);
    await finishReload();
    expect(calls).toEqual(['reload', 'reload']);
    await finishReload();
    expect(calls).toEqual(['reload', 'reload']);
  });

  it('stops following when stopped', async () => {
    const { store, calls, feed } = setUp();
    feed.stop();
    await store.publish({ type: 'pat.revoked', tokenHash: 'h2' });
    expect(calls).toEqual([]);
  });
});
