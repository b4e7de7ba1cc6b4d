/**
 * A second process for the multi-process SQLite tests (the admin CLI beside a running server).
 * Run with Node: `node sqlite-process.ts COMMAND DB_PATH [ARG]`.
 * - `hold-write-lock DB_PATH MS`: takes the write lock, prints "locked", holds it MS ms, commits.
 * - `ensure-organization DB_PATH NAME`: opens the store (migrating), ensures NAME, prints its id.
 */
import Database from 'better-sqlite3';
import { newId } from '../../../src/ids/new-id.ts';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.ts';

const [command, path, arg] = process.argv.slice(2);
if (!path || !arg) throw new Error('usage: sqlite-process.ts COMMAND DB_PATH ARG');

if (command === 'hold-write-lock') {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN IMMEDIATE');
  db.prepare('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, 0)').run(newId('org'), 'Locker');
  process.stdout.write('locked\n');
  setTimeout(() => {
    db.exec('COMMIT');
    db.close();
  }, Number(arg));
} else if (command === 'ensure-organization') {
  const store = await openSqliteStore(path);
  const organization = await store.ensureOrganization({ id: newId('org'), name: arg, createdAt: 0 });
  await store.close();
  process.stdout.write(`${organization.id}\n`);
} else {
  throw new Error(`unknown command ${command}`);
}
