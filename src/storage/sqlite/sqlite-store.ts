import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../store.ts';
import { createInProcessEvents } from '../store-events.ts';
import { createSqliteMfaStore } from './mfa-store.ts';
import { applyMigrations } from './migrations.ts';
import { createSqliteOAuthStore } from './oauth-store.ts';
import { createOrganizationUserStore } from './organization-user-store.ts';
import { createSqlitePatStore } from './pat-store.ts';
import { createRefreshTokenStore } from './refresh-token-store.ts';
import { createSigningKeyStore } from './signing-key-store.ts';
import { createSqliteUserAdminStore } from './user-admin-store.ts';

/** How long a write waits for another connection's write lock (e.g. the admin CLI) before failing. */
const BUSY_TIMEOUT_MS = 5000;

const IN_MEMORY = ':memory:';

/**
 * Opens (creating if needed) the SQLite database at `path` and brings its schema up to date.
 * `:memory:` gives a private, throwaway database. Several processes may open the same file: WAL
 * lets readers run beside the single writer, and writers queue for up to {@link BUSY_TIMEOUT_MS}.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== IN_MEMORY) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    configureConnection(db);
    applyMigrations(db);
    return {
      ...createOrganizationUserStore(db),
      ...createSigningKeyStore(db),
      ...createRefreshTokenStore(db),
      ...createSqlitePatStore(db),
      ...createSqliteUserAdminStore(db),
      ...createSqliteMfaStore(db),
      ...createSqliteOAuthStore(db),
      // In-process only: another process on the same file (the admin CLI, a second server) is not
      // told; it sees key rotations on its periodic reload and revocations when its cache expires.
      ...createInProcessEvents(),
      async close() {
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function configureConnection(db: Database.Database): void {
  // First, so that switching to WAL below also waits out a concurrent opener instead of failing.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL cannot corrupt the database; a power cut may only lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}
