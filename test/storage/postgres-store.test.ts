import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../../src/storage/postgres/connection-url.ts';
import { MIGRATIONS } from '../../src/storage/postgres/migrations.ts';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { StorageUnavailableError } from '../../src/storage/storage-unavailable-error.ts';
import type { Store } from '../../src/storage/store.ts';
import { anOrganization, aTokenHash, aUser, givenRefreshFamily } from './cases/fixtures.ts';
import { uniqueApplicationName, usePostgresTestDatabase } from './helpers/postgres-test-database.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';
import { describeStoreSuite } from './store-suite.ts';

const baseUrl = process.env.SEMASWIFT_TEST_POSTGRES_URL;
const NOW = 1_800_000_000;
const nextToken = () => ({ tokenHash: aTokenHash(), expiresAt: NOW + 3600 });

describe('PostgreSQL storage URL', () => {
  it('moves ?schema= into the search path, keeping the URL’s own options', () => {
    const { connectionString, schema } = parsePostgresUrl(
      'postgres://u@h/db?schema=auth&options=-c%20statement_timeout%3D5000',
    );
    expect(schema).toBe('auth');
    const params = new URL(connectionString).searchParams;
    expect(params.has('schema')).toBe(false);
    expect(params.get('options')).toBe('-c statement_timeout=5000 -c search_path=auth');
    expect(parsePostgresUrl('postgres://u@h/db')).toEqual({
      connectionString: 'postgres://u@h/db',
      schema: undefined,
    });
  });

  it('refuses a schema name that is not a plain identifier, without echoing the URL', () => {
    expect(() => parsePostgresUrl('postgres://u:secret@h/db?schema=a;drop')).toThrow(/not a plain/);
    expect(() => parsePostgresUrl('postgres://u:secret@h/db?schema=Auth')).not.toThrow(/secret/);
  });

  it('rejects opening an unreachable database, without echoing the password', async () => {
    const attempt = openPostgresStore('postgres://postgres:secret@127.0.0.1:1/test');
    await expect(attempt).rejects.toThrow();
    await expect(attempt).rejects.not.toThrow(/secret/);
  });
});

describe.skipIf(!baseUrl)('postgres store (set SEMASWIFT_TEST_POSTGRES_URL to run)', () => {
  const db = usePostgresTestDatabase(baseUrl ?? '');

  /** A store on a schema of its own, dropped when the store closes. */
  async function openFresh(): Promise<Store> {
    const { schema, url } = db.freshSchema();
    const store = await openPostgresStore(url);
    return { ...store, close: () => store.close().then(() => db.dropSchema(schema)) };
  }

  describeStoreSuite('postgres', openFresh);

  it('lets exactly one of two pools rotate a token they race on, and revokes the family', async () => {
    const { url } = db.freshSchema();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    try {
      for (let round = 0; round < 10; round++) {
        const family = await givenRefreshFamily(a);
        const results = await Promise.all([
          a.rotateRefreshToken(family.tokenHash, nextToken(), NOW),
          b.rotateRefreshToken(family.tokenHash, nextToken(), NOW),
        ]);
        expect(results.map((r) => r.outcome).sort()).toEqual(['reused', 'rotated']);
        expect((await b.findRefreshToken(family.tokenHash))?.familyRevokedAt).toBe(NOW);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('migrates a fresh schema once when several stores open it at the same moment', async () => {
    const { schema, url } = db.freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
    await Promise.all(stores.map((store) => store.close()));

    const { rows } = await db
      .admin()
      .query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('keeps its data when reopened and refuses a schema written by a newer build', async () => {
    const { schema, url } = db.freshSchema();
    const first = await openPostgresStore(url);
    const organization = await first.ensureOrganization(anOrganization());
    await first.close();
    const again = await openPostgresStore(url);
    expect(await again.findOrganizationById(organization.id)).toEqual(organization);
    await again.close();

    const newer = (MIGRATIONS.at(-1)?.version ?? 0) + 1;
    await db.admin().query(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [newer]);
    await expect(openPostgresStore(url)).rejects.toThrow(/newer than this build/);
  });

  it('works again without reopening after its connections are terminated', async () => {
    const applicationName = uniqueApplicationName();
    const store = await openPostgresStore(db.freshSchema({ application_name: applicationName }).url);
    try {
      const organization = await store.ensureOrganization(anOrganization());
      // Several connections in the pool, all idle when they are killed.
      await Promise.all(Array.from({ length: 4 }, () => store.findOrganizationById(organization.id)));
      const killed = await terminateBackends(applicationName);
      expect(killed).toBeGreaterThan(0);

      // A call may still meet a dead connection the pool has not noticed yet; never more than one each.
      // Such a failure is a StorageUnavailableError (a 503), never the driver's error (a 500).
      let failures = 0;
      const failed = (error: unknown) => {
        expect(error).toBeInstanceOf(StorageUnavailableError);
        return undefined;
      };
      while ((await store.findOrganizationById(organization.id).catch(failed)) === undefined) {
        failures++;
        expect(failures).toBeLessThanOrEqual(killed);
      }
      expect(await store.createUser(aUser(organization.id))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('rolls back a transaction whose connection dies mid-way, and the next call works', async () => {
    const applicationName = uniqueApplicationName();
    const { schema, url } = db.freshSchema({ application_name: applicationName });
    const store = await openPostgresStore(url);
    const family = await givenRefreshFamily(store);
    const locker = new Client({ connectionString: baseUrl });
    await locker.connect();
    try {
      // Hold the token's row lock so the store's rotation blocks inside its transaction.
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM ${schema}.refresh_tokens WHERE token_hash = $1 FOR UPDATE`, [
        family.tokenHash,
      ]);
      // Settled into a value at once: the rejection may land while we are still terminating.
      const blocked = store.rotateRefreshToken(family.tokenHash, nextToken(), NOW).then(
        () => undefined,
        (error: unknown) => error,
      );
      await waitUntilWaitingForLock(applicationName);
      await terminateBackends(applicationName);
      expect(await blocked).toBeInstanceOf(StorageUnavailableError);
      await locker.query('ROLLBACK');

      expect((await store.findRefreshToken(family.tokenHash))?.spentAt).toBeNull();
      expect((await store.rotateRefreshToken(family.tokenHash, nextToken(), NOW)).outcome).toBe('rotated');
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('rejects while the database is unreachable and recovers by itself when it is back', async () => {
    const target = new URL(baseUrl ?? '');
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.freshSchema().url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const store = await openPostgresStore(viaProxy.toString());
    try {
      const organization = await store.ensureOrganization(anOrganization());
      await proxy.stop();
      await expect(store.findOrganizationById(organization.id)).rejects.toThrow(StorageUnavailableError);
      await expect(store.createUser(aUser(organization.id))).rejects.toThrow(StorageUnavailableError);
      await expect(store.rotateRefreshToken('any', nextToken(), NOW)).rejects.toThrow(
        StorageUnavailableError,
      );
      await expect(store.publish({ type: 'keys.rotated' })).rejects.toThrow(StorageUnavailableError);
      // The message is the client-safe one; the driver's error (host, port) stays in the cause.
      await expect(store.listSigningKeys()).rejects.toThrow(/^Storage is unreachable/);

      await proxy.start();
      expect(await store.findOrganizationById(organization.id)).toEqual(organization);
      expect(await store.createUser(aUser(organization.id))).toBe(true);
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  /** Terminates every backend of the store named `applicationName`; resolves how many. */
  async function terminateBackends(applicationName: string): Promise<number> {
    const { rowCount } = await db
      .admin()
      .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        applicationName,
      ]);
    return rowCount ?? 0;
  }

  async function waitUntilWaitingForLock(applicationName: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { rowCount } = await db
        .admin()
        .query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [
          applicationName,
        ]);
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the store never blocked on the row lock');
  }
});
