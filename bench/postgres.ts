// Login and refresh on PostgreSQL, in the same run as SQLite: a server of its own on a schema of
// its own (dropped afterwards), with the same scenarios, so the ratios compare the storage only.
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { type Credentials, loginScenario, refreshScenario, signIn } from './auth-scenarios.ts';
import { cliJson, type LoadResult, startServer } from './support.ts';

/** Runs the login and refresh scenarios against a server on `databaseUrl`; keys end in `_postgres`. */
export async function benchPostgres(
  databaseUrl: string,
  credentials: Credentials,
  seconds: number,
): Promise<Record<string, LoadResult>> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(databaseUrl);
  url.searchParams.set('schema', schema);
  const db = url.toString();
  const results: Record<string, LoadResult> = {};
  try {
    const { email, password } = credentials;
    cliJson(['user', 'create', '--db', db, '--email', email, '--password', password, '--org', 'bench']);
    const server = await startServer(db, ['--secret-key', Buffer.alloc(32, 7).toString('base64')]);
    try {
      results.login_postgres = await loginScenario(server.url, credentials, seconds);
      const pairs = await signIn(server.url, credentials, 16);
      results.refresh_postgres = await refreshScenario(server.url, pairs, seconds);
    } finally {
      await server.stop();
    }
  } finally {
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
    await admin.end();
  }
  return results;
}
