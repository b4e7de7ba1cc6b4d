// `npm run bench`: starts a real server (its own process) on a temp SQLite file, drives it from
// separate load processes (autocannon, h2load, bench/h2-load.ts), and prints throughput and latency
// with the ratios the issues ask for. Figures are only comparable within one run: the machine is
// shared. BENCH_SECONDS sets each scenario's length (default 8). With SEMASWIFT_BENCH_POSTGRES_URL
// (or SEMASWIFT_TEST_POSTGRES_URL) set, login and refresh also run on PostgreSQL, for the ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HASH_CONCURRENCY } from '../src/auth/password-hasher.ts';
import { loginScenario, refreshScenario, signIn } from './auth-scenarios.ts';
import { benchExtAuthz } from './extauthz.ts';
import { benchPostgres } from './postgres.ts';
import { cliJson, type LoadResult, runLoad, startServer } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ISSUER = 'http://localhost:8080';
const dir = mkdtempSync(join(tmpdir(), 'semaswift-bench-'));
const db = join(dir, 'bench.db');
const results: Record<string, LoadResult> = {};
let argon2Alone = 0;

const EMAIL = 'bench@example.com';
const PASSWORD = 'bench-password-1';
const credentials = { email: EMAIL, password: PASSWORD };
const POSTGRES_URL = process.env.SEMASWIFT_BENCH_POSTGRES_URL ?? process.env.SEMASWIFT_TEST_POSTGRES_URL;

try {
  cliJson([
    'user',
    'create',
    '--db',
    db,
    '--email',
    EMAIL,
    '--password',
    PASSWORD,
    '--org',
    'bench',
    '--role',
    'admin',
  ]);
  const server = await startServer(db, ['--secret-key', Buffer.alloc(32, 7).toString('base64')]);
  try {
    const post = async (path: string, body: unknown, token?: string) =>
      (await fetch(`${server.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      }).then((r) => r.json())) as Record<string, string>;
    const loginLoad = (seconds: number) => loginScenario(server.url, credentials, seconds);

    // Alone, at the concurrency the server allows itself (HASH_CONCURRENCY), in its own process,
    // right before and right after the login load: the machine's speed drifts, so take the mean.
    const argon2Rate = async () =>
      (
        JSON.parse(
          await runNode(['bench/argon2-rate.ts', String(SECONDS / 2), String(HASH_CONCURRENCY)]),
        ) as { rate: number }
      ).rate;
    const before = await argon2Rate();
    results.login = await loginLoad(SECONDS);
    argon2Alone = (before + (await argon2Rate())) / 2;

    const pairs = await signIn(server.url, credentials, 16);
    results.refresh = await refreshScenario(server.url, pairs, SECONDS);
    const jwt = pairs[0]?.access_token ?? '';
    const pat =
      (
        await post(
          '/api/v1/pats',
          { name: 'bench', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
          jwt,
        )
      ).token ?? '';
    results.health = await runLoad({
      url: `${server.url}/api/v1/health`,
      connections: 32,
      durationSeconds: SECONDS,
    });
    results.me_jwt = await runLoad({
      url: `${server.url}/api/v1/users/me`,
      headers: { authorization: `Bearer ${jwt}` },
      connections: 32,
      durationSeconds: SECONDS,
    });
    results.me_pat = await runLoad({
      url: `${server.url}/api/v1/users/me`,
      headers: { 'x-api-key': pat },
      connections: 32,
      durationSeconds: SECONDS,
    });

    Object.assign(
      results,
      await benchExtAuthz({
        port: server.extAuthzPort,
        db,
        dir,
        jwt,
        pat,
        issuer: ISSUER,
        seconds: SECONDS,
        loginLoad: () => loginLoad(SECONDS),
      }),
    );
  } finally {
    await server.stop();
  }
  // After the SQLite server has stopped: the two never compete for the machine.
  if (POSTGRES_URL) Object.assign(results, await benchPostgres(POSTGRES_URL, credentials, SECONDS));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rps = (key: string) => results[key]?.rps ?? Number.NaN;
const ratio = (a: string, b: string) => (rps(a) / rps(b)).toFixed(2);
const lines = [
  `argon2id verify alone (${HASH_CONCURRENCY} at once)   ${argon2Alone.toFixed(1)} /s`,
  ...Object.entries(results).map(
    ([name, r]) =>
      `${name.padEnd(36)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failed ${r.failed}`,
  ),
  '',
  'ratios (same run):',
  `  login / argon2id alone                 ${(rps('login') / argon2Alone).toFixed(2)}  (target >= 0.85)`,
  `  users/me JWT / health                  ${ratio('me_jwt', 'health')}`,
  `  users/me PAT / users/me JWT            ${ratio('me_pat', 'me_jwt')}  (target >= 0.9)`,
  `  Check JWT repeated / health, 1 in flight  ${ratio('extauthz_jwt_repeat_x1', 'extauthz_health_x1')}  (target >= 0.85)`,
  `  Check JWT repeated / health, 8 in flight  ${ratio('extauthz_jwt_repeat_x8', 'extauthz_health_x8')}  (target >= 0.85)`,
  `  Check PAT / health, 1 in flight           ${ratio('extauthz_pat_x1', 'extauthz_health_x1')}  (target >= 0.85)`,
  `  Check PAT / health, 8 in flight           ${ratio('extauthz_pat_x8', 'extauthz_health_x8')}  (target >= 0.85)`,
  `  Check fresh JWT / health (node client, 8) ${ratio('extauthz_jwt_fresh_x8', 'extauthz_health_node_x8')}`,
  `  Check p99 during logins / alone (1)       ${((results.extauthz_jwt_repeat_x1_during_logins?.p99 ?? 0) / (results.extauthz_jwt_repeat_x1?.p99 ?? 1)).toFixed(2)}`,
  ...(POSTGRES_URL
    ? [
        `  login PostgreSQL / SQLite              ${ratio('login_postgres', 'login')}`,
        `  refresh PostgreSQL / SQLite            ${ratio('refresh_postgres', 'refresh')}`,
      ]
    : ['  (set SEMASWIFT_BENCH_POSTGRES_URL for login and refresh on PostgreSQL / SQLite)']),
];
process.stdout.write(`${lines.join('\n')}\n`);

async function runNode(args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}
