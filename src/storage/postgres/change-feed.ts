import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createLocalEventBus, type PublishedStoreEvent, type StoreEvents } from '../store-events.ts';
import { type ListenConnection, startListenConnection } from './listen-connection.ts';
import { execute, statement } from './sql.ts';
import { failClosed } from './unavailable.ts';

/** The NOTIFY channel. One per database: the envelope's `scope` tells schemas apart. */
export const EVENTS_CHANNEL = 'semaswift_events';

/** What travels in a notification's payload (JSON, far below PostgreSQL's 8000-byte limit). */
interface Envelope {
  v: 1;
  /** The schema the sender's tables live in: stores on other schemas are other deployments. */
  scope: string;
  /** The sending store, which has delivered the event to its own subscribers already. */
  origin: string;
  event: PublishedStoreEvent;
}

// pg_notify rather than NOTIFY: NOTIFY takes no bind parameters, and the payload is data.
const notify = statement('events.notify', 'SELECT pg_notify($1, $2)');

export interface PostgresChangeFeedOptions {
  connectionString: string;
  applicationName: string;
  /** The schema this store's tables are in (`current_schema()`). */
  scope: string;
  onWarning(message: string, error?: unknown): void;
}

/**
 * The change feed on PostgreSQL: publish delivers locally, then NOTIFYs through the pool; the first
 * subscriber starts a dedicated LISTEN connection (so admin commands, which only publish, never
 * open one). Each time that connection is (re)established, subscribers get `resync`.
 */
export function createPostgresChangeFeed(
  pool: Pool,
  options: PostgresChangeFeedOptions,
): StoreEvents & { close(): Promise<void>; databaseReachable(): void } {
  const origin = randomUUID();
  const local = createLocalEventBus((error) => options.onWarning('a change-feed subscriber threw', error));
  let listening: ListenConnection | undefined;
  let closed = false;

  const receive = (payload: string): void => {
    const envelope = parseEnvelope(payload);
    if (envelope === undefined) {
      options.onWarning('ignored a malformed change-feed notification');
      return;
    }
    if (envelope.scope === options.scope && envelope.origin !== origin) local.deliver(envelope.event);
  };

  const { publish } = failClosed({
    async publish(event: PublishedStoreEvent) {
      // This process first: its own caches must not wait for a round trip, or fail with it.
      local.deliver(event);
      const envelope: Envelope = { v: 1, scope: options.scope, origin, event };
      await execute(pool, notify, [EVENTS_CHANNEL, JSON.stringify(envelope)]);
    },
  });

  return {
    publish,
    subscribe(listener) {
      // After close, a late subscriber still gets this process's events but opens no connection.
      if (!closed)
        listening ??= startListenConnection({
          connectionString: options.connectionString,
          applicationName: options.applicationName,
          channel: EVENTS_CHANNEL,
          onNotification: receive,
          onListening: () => local.deliver({ type: 'resync' }),
          onWarning: options.onWarning,
        });
      return local.subscribe(listener);
    },
    /** A pooled connection just got through: the feed, if it is waiting to reconnect, goes now. */
    databaseReachable() {
      listening?.reconnectNow();
    },
    async close() {
      closed = true;
      await listening?.close();
    },
  };
}

/** The envelope, if `payload` is one of ours in a shape this build understands; else undefined. */
function parseEnvelope(payload: string): Envelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const envelope = parsed as Partial<Envelope> | null;
  if (envelope?.v !== 1 || typeof envelope.scope !== 'string' || typeof envelope.origin !== 'string') {
    return undefined;
  }
  const event = toPublishedEvent(envelope.event);
  return event && { v: 1, scope: envelope.scope, origin: envelope.origin, event };
}

/** A known event rebuilt from its fields (nothing else passes on to subscribers), or undefined. */
function toPublishedEvent(value: unknown): PublishedStoreEvent | undefined {
  const candidate = value as Partial<Record<string, unknown>> | null | undefined;
  switch (candidate?.type) {
    case 'pat.revoked':
      return typeof candidate.tokenHash === 'string'
        ? { type: 'pat.revoked', tokenHash: candidate.tokenHash }
        : undefined;
    case 'user.changed':
      return typeof candidate.userId === 'string'
        ? {
            type: 'user.changed',
            userId: candidate.userId,
            ...(candidate.removed === true ? { removed: true } : {}),
          }
        : undefined;
    case 'keys.rotated':
      return { type: 'keys.rotated' };
    case 'grant.revoked':
      return typeof candidate.grantId === 'string'
        ? { type: 'grant.revoked', grantId: candidate.grantId }
        : undefined;
    default:
      return undefined;
  }
}
