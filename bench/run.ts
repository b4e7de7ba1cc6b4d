// `npm run bench`: starts a real server (its own process) on a temp SQLite file, drives it from a
// separate load process, and prints throughput and latency with the ratios the issues ask for.
// Figures are only comparable within one run: the machine is shared.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliJson, type LoadResult, runLoad, startServer } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'semaswift-bench-'));
const db = join(dir, 'bench.db');
const results: Record<string, LoadResult | number> = {};

try {
  cliJson([
    'user',
    'create',
    '--db',
    db,
    '--email',
    'bench@example.com',
    '--password',
    'bench-password-1',
    '--org',
    'bench',
    '--role',
    'admin',
  ]);
  const server = await startServer(db);
  try {
    const login = (body: string) =>
      fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    const credentials = JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1' });

    const argon = JSON.parse(await runNode(['bench/argon2-rate.ts', String(SECONDS / 2), '4'])) as {
      rate: number;
    };
    results.argon2_verify_per_s_alone = argon.rate;
    results.login = await runLoad({
      url: `${server.url}/api/v1/auth/login`,
      method: 'POST',
      body: credentials,
      connections: 4,
      durationSeconds: SECONDS,
    });

    const pairs = await Promise.all(
      Array.from(
        { length: 16 },
        async () =>
          (await (await login(credentials)).json()) as { access_token: string; refresh_token: string },
      ),
    );
    results.refresh = await runLoad({
      url: `${server.url}/api/v1/auth/refresh`,
      method: 'POST',
      refreshTokens: pairs.map((p) => p.refresh_token),
      connections: 16,
      durationSeconds: SECONDS,
    });
    const bearer = { authorization: `Bearer ${pairs[0]?.access_token}` };
    results.health = await runLoad({
      url: `${server.url}/api/v1/health`,
      connections: 32,
      durationSeconds: SECONDS,
    });
    results.me_jwt = await runLoad({
      url: `${server.url}/api/v1/users/me`,
      headers: bearer,
      connections: 32,
      durationSeconds: SECONDS,
    });
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rps = (key: string) => (results[key] as LoadResult).rps;
const rows = Object.entries(results).map(([name, r]) =>
  typeof r === 'number'
    ? `${name.padEnd(28)} ${r.toFixed(1)}`
    : `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failed ${r.failed}`,
);
process.stdout.write(`${rows.join('\n')}\n\nratios (same run):\n`);
process.stdout.write(
  `  login / argon2id alone         ${(rps('login') / (results.argon2_verify_per_s_alone as number)).toFixed(2)}  (target >= 0.85)\n`,
);
process.stdout.write(`  users/me (JWT) / health        ${(rps('me_jwt') / rps('health')).toFixed(2)}\n`);

async function runNode(args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}
