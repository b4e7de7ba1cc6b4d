/**
 * The store's change feed: how one replica tells the others (and itself) that something they may
 * have cached has changed, so caches are dropped at once instead of when their TTL runs out.
 *
 * Events name what changed, never a secret: a PAT is named by its keyed hash, as it is stored.
 * SQLite delivers within its process only; PostgreSQL also delivers to every other store on the same
 * database and schema (LISTEN/NOTIFY).
 */

/** What a replica announces after changing shared state. */
export type PublishedStoreEvent =
  /** A PAT was revoked: drop it from every cache. */
  | { type: 'pat.revoked'; tokenHash: string }
  /** The signing keys changed (`keys rotate`): reload them. */
  | { type: 'keys.rotated' }
  /** A user's roles or standing changed (`removed`: the user is gone): drop whatever was cached. */
  | { type: 'user.changed'; userId: string; removed?: boolean }
  /** An OAuth grant was revoked: the access tokens issued under it stop working everywhere. */
  | { type: 'grant.revoked'; grantId: string };

/**
 * What subscribers receive: the published events, plus `resync`, which the store sends itself when
 * it may have missed events (its feed connection was down, or has just started). Drop every cache.
 */
export type StoreEvent = PublishedStoreEvent | { type: 'resync' };

/** A subscriber: called synchronously, in delivery order; it should not throw (it is isolated if it does). */
export type StoreEventListener = (event: StoreEvent) => void;

/** The change-feed part of the store. */
export interface StoreEvents {
  /**
   * Announces `event`. This store's subscribers have seen it when the promise resolves (it is
   * delivered to them first, before any I/O); other stores on the same database see it shortly
   * after. Rejects when the event could not be sent to the others.
   */
  publish(event: PublishedStoreEvent): Promise<void>;
  /** Calls `listener` for every event from now on; returns the function that stops it. */
  subscribe(listener: StoreEventListener): () => void;
}

/** Delivery to this process's subscribers: what SQLite uses, and what PostgreSQL fans out through. */
export interface LocalEventBus {
  subscribe(listener: StoreEventListener): () => void;
  /** Calls every listener synchronously; one that throws does not keep the event from the others. */
  deliver(event: StoreEvent): void;
  readonly size: number;
}

/**
 * A set of listeners rather than an EventEmitter: a listener that throws must not stop delivery to
 * the rest (an emitter would), since a cache left undropped is a revoked token still honoured.
 */
export function createLocalEventBus(onListenerError: (error: unknown) => void = () => {}): LocalEventBus {
  const listeners = new Set<StoreEventListener>();
  return {
    subscribe(listener) {
      // Wrapped so that the same function subscribed twice gets two independent subscriptions.
      const entry: StoreEventListener = (event) => listener(event);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    deliver(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}

/** The change feed of a store whose only readers are in this process (SQLite). */
export function createInProcessEvents(): StoreEvents {
  const bus = createLocalEventBus();
  return {
    async publish(event) {
      bus.deliver(event);
    },
    subscribe: (listener) => bus.subscribe(listener),
  };
}
