// The ext_authz hot path: Check throughput and latency against the port's own health check.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { importPKCS8, SignJWT } from 'jose';
import { checkFrame, healthFrame } from './grpc-frames.ts';
import type { LoadResult } from './support.ts';

const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const HEALTH = '/grpc.health.v1.Health/Check';

/** h2load, as the issue names it: one connection, `inFlight` streams, a prebuilt gRPC frame. */
export async function h2load(
  port: number,
  path: string,
  frame: Buffer,
  inFlight: number,
  seconds: number,
  dir: string,
) {
  const body = join(dir, `frame-${path.length}-${frame.length}-${inFlight}.bin`);
  const log = join(dir, 'h2load.log');
  writeFileSync(body, frame);
  writeFileSync(log, '');
  const args = [
    '-c1',
    `-m${inFlight}`,
    `-D${seconds}`,
    '-d',
    body,
    '-H',
    'content-type: application/grpc',
    '-H',
    'te: trailers',
    '--log-file',
    log,
    `http://127.0.0.1:${port}${path}`,
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('h2load', args, (error, out) => (error ? reject(error) : resolve(out))),
  );
  const rps = Number(/finished in [\d.]+s, ([\d.]+) req\/s/.exec(stdout)?.[1] ?? 0);
  const failed = Number(/(\d+) failed/.exec(stdout)?.[1] ?? 0);
  // Each log line: start time, HTTP status, request time in microseconds.
  const micros = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Number(line.split('\t')[2]))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const at = (q: number) => Number(((micros[Math.floor(q * (micros.length - 1))] ?? 0) / 1000).toFixed(3));
  return { rps, total: micros.length, p50: at(0.5), p99: at(0.99), failed } satisfies LoadResult;
}

/** Runs bench/h2-load.ts (distinct frames per request) in its own process. */
export function nodeH2Load(
  dir: string,
  port: number,
  path: string,
  frames: Buffer[],
  inFlight: number,
  seconds: number,
  maxRequests?: number,
) {
  const options = join(dir, 'h2-load.json');
  const url = `http://127.0.0.1:${port}`;
  const encoded = frames.map((f) => f.toString('base64'));
  writeFileSync(options, JSON.stringify({ url, path, frames: encoded, inFlight, seconds, maxRequests }));
  return new Promise<LoadResult>((resolve, reject) =>
    execFile(process.execPath, ['bench/h2-load.ts', options], { maxBuffer: 1 << 20 }, (error, out) =>
      error ? reject(error) : resolve(JSON.parse(out) as LoadResult),
    ),
  );
}

/** Access tokens signed with the server's own active key (read from its SQLite file), all distinct. */
export async function freshTokens(
  db: string,
  template: Record<string, unknown>,
  count: number,
  issuer: string,
): Promise<string[]> {
  const sqlite = new Database(db, { readonly: true });
  const row = sqlite
    .prepare('SELECT kid, private_key_pem FROM signing_keys WHERE retired_at IS NULL')
    .get() as { kid: string; private_key_pem: string };
  sqlite.close();
  const key = await importPKCS8(row.private_key_pem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      new SignJWT({ ...template, jti: `jti_bench_${i}` })
        .setProtectedHeader({ alg: 'RS256', kid: row.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience('semaswift-api')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key),
    ),
  );
}

export interface ExtAuthzBenchInput {
  port: number;
  db: string;
  dir: string;
  jwt: string;
  pat: string;
  issuer: string;
  seconds: number;
  /** Starts a login load in the background; resolves when it ends. */
  loginLoad: () => Promise<LoadResult>;
}

export async function benchExtAuthz(input: ExtAuthzBenchInput): Promise<Record<string, LoadResult>> {
  const { port, dir, seconds } = input;
  const results: Record<string, LoadResult> = {};
  const jwtFrame = checkFrame({ authorization: `Bearer ${input.jwt}` });
  const patFrame = checkFrame({ 'x-api-key': input.pat });
  for (const inFlight of [1, 8]) {
    results[`extauthz_health_x${inFlight}`] = await h2load(
      port,
      HEALTH,
      healthFrame(),
      inFlight,
      seconds,
      dir,
    );
    results[`extauthz_jwt_repeat_x${inFlight}`] = await h2load(port, CHECK, jwtFrame, inFlight, seconds, dir);
    results[`extauthz_pat_x${inFlight}`] = await h2load(port, CHECK, patFrame, inFlight, seconds, dir);
  }
  const claims = JSON.parse(Buffer.from(input.jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const { sub, organization_id, roles, permissions } = claims;
  const tokens = await freshTokens(
    input.db,
    { sub, organization_id, roles, permissions },
    6000,
    input.issuer,
  );
  const frames = tokens.map((t) => checkFrame({ authorization: `Bearer ${t}` }));
  results.extauthz_jwt_fresh_x8 = await nodeH2Load(dir, port, CHECK, frames, 8, seconds, frames.length);
  results.extauthz_health_node_x8 = await nodeH2Load(
    dir,
    port,
    HEALTH,
    [healthFrame()],
    8,
    seconds,
    frames.length,
  );
  const [underLogin] = await Promise.all([h2load(port, CHECK, jwtFrame, 1, seconds, dir), input.loginLoad()]);
  results.extauthz_jwt_repeat_x1_during_logins = underLogin;
  return results;
}
