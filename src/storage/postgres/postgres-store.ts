import { Pool } from 'pg';
import type { Store } from '../store.ts';
import { parsePostgresUrl } from './connection-url.ts';
import { applyMigrations } from './migrations.ts';
import { createOrganizationUserStore } from './organization-user-store.ts';
import { createPostgresPatStore } from './pat-store.ts';
import { createRefreshTokenStore } from './refresh-token-store.ts';
import { createSigningKeyStore } from './signing-key-store.ts';
import { createPostgresUserAdminStore } from './user-admin-store.ts';

/** How long a call waits for a connection (new or from the pool) before it rejects. */
const CONNECT_TIMEOUT_MS = 5000;

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
}

/**
 * Opens a pool on the PostgreSQL database `url` names and brings its schema up to date.
 * `?schema=NAME` keeps every table in that schema (created if missing) instead of the default
 * search path. While the database is unreachable, calls reject (after at most
 * {@link CONNECT_TIMEOUT_MS} for a connection); once it is back they work again, without reopening.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new Pool({
    connectionString,
    application_name: DEFAULT_APPLICATION_NAME,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // Without a listener, an idle connection's error would be an unhandled 'error' event and end the process.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  try {
    await applyMigrations(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    ...createOrganizationUserStore(pool),
    ...createSigningKeyStore(pool),
    ...createRefreshTokenStore(pool),
    ...createPostgresPatStore(pool),
    ...createPostgresUserAdminStore(pool),
    async close() {
      // pg throws on a second end(); closing twice is harmless here, as with SQLite.
      closed ??= pool.end();
      return closed;
    },
  };
}
