import { randomBytes } from 'node:crypto';
import { escapeIdentifier, Pool } from 'pg';
import { afterAll } from 'vitest';

/** A schema of its own for one test, and the storage URL that selects it. */
export interface TestSchema {
  schema: string;
  url: string;
}

export interface PostgresTestDatabase {
  /** A fresh schema name (created by the first store opened on it), plus `params` in the URL. */
  freshSchema(params?: Record<string, string>): TestSchema;
  /** Drops `schema` and everything in it. */
  dropSchema(schema: string): Promise<void>;
  /** A small pool on the database itself (default search path) for the test's own SQL. */
  admin(): Pool;
}

/**
 * The PostgreSQL database at `baseUrl`, one schema per test. Every schema handed out is dropped
 * after this file's tests even if a test fails before closing its store. Nothing connects until
 * first used, so calling this inside a skipped describe costs nothing.
 */
export function usePostgresTestDatabase(baseUrl: string): PostgresTestDatabase {
  const handedOut = new Set<string>();
  let adminPool: Pool | undefined;

  const admin = (): Pool => {
    adminPool ??= new Pool({ connectionString: baseUrl, max: 2, application_name: 'semaswift-test-admin' });
    return adminPool;
  };
  const dropSchema = async (schema: string): Promise<void> => {
    await admin().query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
    handedOut.delete(schema);
  };

  afterAll(async () => {
    for (const schema of handedOut) await dropSchema(schema);
    await adminPool?.end();
  });

  return {
    freshSchema(params = {}) {
      const schema = `t_${randomBytes(8).toString('hex')}`;
      handedOut.add(schema);
      const url = new URL(baseUrl);
      url.searchParams.set('schema', schema);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return { schema, url: url.toString() };
    },
    dropSchema,
    admin,
  };
}

/** A name for `application_name`, so a test can find its own store's backends in pg_stat_activity. */
export const uniqueApplicationName = (): string => `semaswift_test_${randomBytes(6).toString('hex')}`;
