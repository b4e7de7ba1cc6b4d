import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { type Config, resolveConfig } from '../../src/config/config.ts';
import { serve } from '../../src/server/serve.ts';

const run = promisify(execFile);
const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(PROJECT_ROOT, 'src/cli/main.ts');

/** The issuer every test server signs with (fixed: the port is only known after listening). */
export const TEST_ISSUER = 'https://auth.semaswift.test';

export interface CreatedUser {
  id: string;
  email: string;
  organization_id: string;
  roles: string[];
}

export interface NewUserOptions {
  email: string;
  password: string;
  org: string;
  roles?: string[];
  name?: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  port: number;
  /** The ext_authz gRPC port. */
  extAuthzPort: number;
  /** The SQLite file the server (and the CLI) use. */
  dbPath: string;
  config: Config;
  /** Runs the real CLI against this server's database; returns its parsed JSON stdout. */
  cli(args: string[]): Promise<unknown>;
  /** `user create` through the real CLI. */
  createUser(options: NewUserOptions): Promise<CreatedUser>;
  /** `POST /api/v1/auth/login`; throws unless it answers 200. */
  login(email: string, password: string): Promise<TokenPair>;
  /** Stops the server and removes its temporary folder. */
  stop(): Promise<void>;
  /** Stops the server and starts a new one on the same database and secret (a new port). */
  restart(): Promise<TestServer>;
}

/** The environment for the CLI, without any SEMASWIFT_* variable of the developer's shell. */
function cliEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SEMASWIFT_')));
}

/**
 * Starts the real server in-process on an ephemeral port, on a fresh SQLite file in a temporary
 * folder, with silent logs and the ext_authz port on 0.
 */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'semaswift-e2e-'));
  return startIn(dir, overrides);
}

async function startIn(dir: string, overrides: Partial<Config>): Promise<TestServer> {
  const dbPath = join(dir, 'auth.db');
  const config: Config = {
    ...resolveConfig({}, {}),
    host: '127.0.0.1',
    port: 0,
    extAuthzPort: 0,
    db: dbPath,
    issuer: TEST_ISSUER,
    logLevel: 'silent',
    secretKey: randomBytes(32).toString('base64'),
    ...overrides,
  };
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(config, pino({ level: 'silent' }));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${server.port}`;

  const cli = async (args: string[]): Promise<unknown> => {
    // The server's own store: the SQLite file, or whatever `db` an override chose.
    const { stdout } = await run(process.execPath, [CLI, ...args, '--db', config.db], {
      cwd: PROJECT_ROOT,
      env: cliEnvironment(),
    });
    return JSON.parse(stdout);
  };

  return {
    baseUrl,
    port: server.port,
    extAuthzPort: server.extAuthzPort ?? 0,
    dbPath,
    config,
    cli,
    async createUser(options) {
      const args = ['user', 'create', '--email', options.email, '--password', options.password];
      args.push('--org', options.org);
      for (const role of options.roles ?? []) args.push('--role', role);
      if (options.name !== undefined) args.push('--name', options.name);
      return (await cli(args)) as CreatedUser;
    },
    async login(email, password) {
      const response = await fetch(new URL('/api/v1/auth/login', baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status} ${body}`);
      return JSON.parse(body) as TokenPair;
    },
    async stop() {
      try {
        await server.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async restart() {
      await server.close();
      return startIn(dir, { ...overrides, secretKey: config.secretKey });
    },
  };
}
