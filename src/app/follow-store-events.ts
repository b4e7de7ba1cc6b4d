import type { Logger } from 'pino';
import type { KeyRing } from '../keys/key-ring.ts';
import type { GrantLiveness } from '../oauth/grant-liveness.ts';
import type { PatAuthenticator } from '../pats/pat-authenticator.ts';
import type { RemovedUsers } from '../principal/removed-users.ts';
import type { PublishedStoreEvent, StoreEvent, StoreEvents } from '../storage/store-events.ts';

/** This replica's side of the store's change feed. */
export interface ChangeFeed {
  /**
   * Applies `event` to this replica's caches at once (before returning), then tells the other
   * replicas. The change is already stored, so a failure to tell them is logged, not thrown: they
   * catch up when their caches expire (PATs: 30 s; keys: 10 s) or their feed reconnects.
   */
  announce(event: PublishedStoreEvent): void;
  /** Stops following the feed. */
  stop(): void;
}

export interface ChangeFeedDeps {
  store: StoreEvents;
  patAuthenticator: Pick<PatAuthenticator, 'forgetToken' | 'forgetUser' | 'forgetAll'>;
  grants: Pick<GrantLiveness, 'markRevoked' | 'forgetUser' | 'forgetActive'>;
  removedUsers: Pick<RemovedUsers, 'add'>;
  keyRing: Pick<KeyRing, 'reload'>;
  logger: Logger;
}

/**
 * Keeps this replica's caches in step with the store's change feed: a revoked PAT or a changed
 * user is dropped from the PAT cache, a revoked OAuth grant is known revoked, rotated keys are
 * reloaded, and `resync` (events may have been missed) drops every cached PAT and active grant and
 * reloads the keys.
 */
export function followStoreEvents(deps: ChangeFeedDeps): ChangeFeed {
  const { patAuthenticator, grants, logger } = deps;
  const reloadKeys = createCoalescedReload(
    () => deps.keyRing.reload(),
    (error) => logger.warn({ err: error }, 'signing key reload after a change-feed event failed'),
  );

  const unsubscribe = deps.store.subscribe((event: StoreEvent) => {
    switch (event.type) {
      case 'pat.revoked':
        patAuthenticator.forgetToken(event.tokenHash);
        break;
      case 'user.changed':
        if (event.removed) deps.removedUsers.add(event.userId);
        patAuthenticator.forgetUser(event.userId);
        grants.forgetUser(event.userId);
        break;
      case 'grant.revoked':
        grants.markRevoked(event.grantId);
        break;
      case 'keys.rotated':
        reloadKeys();
        break;
      case 'resync':
        logger.info('change feed listening: PAT cache dropped, signing keys reloading');
        patAuthenticator.forgetAll();
        grants.forgetActive();
        reloadKeys();
        break;
    }
  });

  return {
    announce(event) {
      deps.store.publish(event).catch((error: unknown) => {
        logger.warn({ err: error, event: event.type }, 'could not tell other replicas about a change');
      });
    },
    stop: unsubscribe,
  };
}

/**
 * Runs `reload` now, or, when one is already running, once more after it: the running one may have
 * read the keys before the change it is now being told about was committed.
 */
function createCoalescedReload(reload: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    reload()
      .catch(onError)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return run;
}
