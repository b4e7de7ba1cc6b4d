import { Pool } from 'pg';
import type { Store } from '../store.ts';
import { createPostgresChangeFeed } from './change-feed.ts';
import { parsePostgresUrl } from './connection-url.ts';
import { createPostgresMfaFactorStore } from './mfa-factor-store.ts';
import { createPostgresMfaSmsStore } from './mfa-sms-store.ts';
import { applyMigrations } from './migrations.ts';
import { createPostgresOAuthStore } from './oauth-store.ts';
import { createOrganizationUserStore } from './organization-user-store.ts';
import { createPostgresPatStore } from './pat-store.ts';
import { createRefreshTokenStore } from './refresh-token-store.ts';
import { createSigningKeyStore } from './signing-key-store.ts';
import { failClosed } from './unavailable.ts';
import { createPostgresUserAdminStore } from './user-admin-store.ts';

/** How long a call waits for a connection (new or from the pool) before it rejects. */
const CONNECT_TIMEOUT_MS = 5000;
/** How long one query may wait for its answer before the database counts as unreachable. */
const QUERY_TIMEOUT_MS = 5000;

/** What the server shows in `pg_stat_activity` unless the URL sets `application_name`. */
const DEFAULT_APPLICATION_NAME = 'semaswift-auth';

/** Optional hooks for the host process; the store works without any. */
export interface PostgresStoreOptions {
  /**
   * Told about errors on idle pooled connections (the server restarted, a backend was terminated,
   * the network dropped). The pool has already discarded the connection and opens a new one when
   * next needed, so there is nothing to do but log; without this they are ignored.
   */
  onIdleConnectionError?: (error: Error) => void;
  /** Told when the change feed's connection is lost (it reconnects by itself) or a message is bad. */
  onChangeFeedWarning?: (message: string, error?: unknown) => void;
}

/**
 * Opens a pool on the PostgreSQL database `url` names and brings its schema up to date.
 * `?schema=NAME` keeps every table in that schema (created if missing) instead of the default
 * search path. While the database is unreachable, calls reject with StorageUnavailableError (after
 * at most {@link CONNECT_TIMEOUT_MS} for a connection); once it is back they work again, without
 * reopening. The change feed reaches every store on the same database and schema.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new Pool({
    connectionString,
    application_name: DEFAULT_APPLICATION_NAME,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A connection whose peer went silent (packets dropped, no reset) stays "open" until TCP gives
    // up, minutes later: a request must get its 503 in bounded time instead. No query of ours comes
    // near this; a timed-out connection is destroyed, not reused.
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
  });
  // Without a listener, an idle connection's error would be an unhandled 'error' event and end the process.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  let scope: string;
  try {
    await applyMigrations(pool, schema);
    // The schema unqualified names resolve to, whether set by ?schema= or by the URL's own options.
    const { rows } = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    scope = rows[0]?.schema ?? '';
  } catch (error) {
    await pool.end();
    throw error;
  }
  const feed = createPostgresChangeFeed(pool, {
    connectionString,
    applicationName: DEFAULT_APPLICATION_NAME,
    scope,
    onWarning: options.onChangeFeedWarning ?? (() => {}),
  });
  // After an outage the pool's first new connection is the earliest sign the database is back.
  pool.on('connect', () => feed.databaseReachable());
  let closed: Promise<void> | undefined;
  return {
    ...failClosed({
      ...createOrganizationUserStore(pool),
      ...createSigningKeyStore(pool),
      ...createRefreshTokenStore(pool),
      ...createPostgresPatStore(pool),
      ...createPostgresUserAdminStore(pool),
      ...createPostgresMfaFactorStore(pool),
      ...createPostgresMfaSmsStore(pool),
      ...createPostgresOAuthStore(pool),
    }),
    publish: feed.publish,
    subscribe: feed.subscribe,
    async close() {
      // pg throws on a second end(); closing twice is harmless here, as with SQLite.
      closed ??= feed.close().then(() => pool.end());
      return closed;
    },
  };
}
