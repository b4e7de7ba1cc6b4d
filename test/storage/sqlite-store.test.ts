import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.ts';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { anOrganization, aSigningKey, aUser } from './cases/fixtures.ts';
import { useTempDatabasePaths } from './helpers/temp-dir.ts';
import { describeStoreSuite } from './store-suite.ts';

const newDatabasePath = useTempDatabasePaths();

describeStoreSuite('sqlite file', () => openSqliteStore(newDatabasePath()));
describeStoreSuite('sqlite :memory:', () => openSqliteStore(':memory:'));

const schemaVersionOf = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return Number(db.pragma('user_version', { simple: true }));
  } finally {
    db.close();
  }
};

describe('SQLite store on a shared file', () => {
  it('lets two handles (admin CLI and server) see each other’s writes', async () => {
    const path = newDatabasePath();
    const server = await openSqliteStore(path);
    const cli = await openSqliteStore(path);
    try {
      const organization = await cli.ensureOrganization(anOrganization());
      const user = aUser(organization.id, { roles: ['admin'] });
      expect(await cli.createUser(user)).toBe(true);
      expect(await server.findUserByEmailKey(user.emailKey)).toEqual(user);

      const key = aSigningKey(100);
      await cli.rotateSigningKey(key);
      expect(await server.listSigningKeys()).toEqual([key]);

      await server.updatePasswordHash(user.id, '$argon2id$changed');
      expect((await cli.findUserById(user.id))?.passwordHash).toBe('$argon2id$changed');
    } finally {
      await cli.close();
      await server.close();
    }
  });

  it('keeps its data and schema version when reopened', async () => {
    const path = newDatabasePath();
    const first = await openSqliteStore(path);
    const organization = await first.ensureOrganization(anOrganization());
    const user = aUser(organization.id);
    await first.createUser(user);
    await first.close();

    for (let reopen = 0; reopen < 2; reopen++) {
      const again = await openSqliteStore(path);
      expect(await again.findUserById(user.id)).toEqual(user);
      await again.close();
    }
    expect(schemaVersionOf(path)).toBe(MIGRATIONS.length);
  });

  it('refuses a database written by a newer build, leaving it untouched', async () => {
    const path = newDatabasePath();
    await (await openSqliteStore(path)).close();
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();

    await expect(openSqliteStore(path)).rejects.toThrow(/newer than this build/);
    expect(schemaVersionOf(path)).toBe(MIGRATIONS.length + 1);
  });

  it('creates a missing parent folder', async () => {
    const path = newDatabasePath();
    const store = await openSqliteStore(path);
    await store.close();
    expect(schemaVersionOf(path)).toBe(MIGRATIONS.length);
  });
});
