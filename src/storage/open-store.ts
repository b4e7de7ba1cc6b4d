import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** What the host process may want to hear about; stores work without it. */
export interface OpenStoreOptions {
  /**
   * Trouble the store handles by itself but an operator should see: a pooled connection lost, the
   * change feed's connection lost and being re-established.
   */
  onWarning?: (message: string, error?: unknown) => void;
}

/** A URL scheme, at least two characters so that a Windows drive letter (`C:\…`) stays a path. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Opens the store a storage URL names:
 * - `sqlite:PATH` (also `sqlite://PATH`, so `sqlite:///abs/path` works), a plain file path, or
 *   `:memory:` → SQLite;
 * - `postgres://…` / `postgresql://…` → PostgreSQL (`?schema=NAME` picks a schema).
 *
 * Errors name the scheme only, never the whole URL, which may carry a password.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (url.trim() === '')
      throw new Error('storage URL is empty (expected sqlite:PATH, a path or postgres://…)');
    return openSqliteStore(url);
  }
  if (scheme === 'sqlite') return openSqliteStore(sqlitePath(url));
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { onWarning } = options;
    return (await import('./postgres/postgres-store.ts')).openPostgresStore(
      url,
      onWarning
        ? {
            onIdleConnectionError: (error) => onWarning('idle PostgreSQL connection lost', error),
            onChangeFeedWarning: onWarning,
          }
        : {},
    );
  }
  throw new Error(
    `unsupported storage URL scheme "${scheme}:" (expected sqlite:PATH, a file path, :memory: or postgres://…)`,
  );
}

function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length);
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '')
    throw new Error('storage URL "sqlite:" names no file (expected sqlite:PATH or sqlite::memory:)');
  return path;
}
