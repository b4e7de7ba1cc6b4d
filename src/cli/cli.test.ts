import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'main.ts');
const PASSWORD = 'correct horse battery';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'semaswift-cli-'));
  db = join(dir, 'auth.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The real CLI in a process of its own, in `cwd` (an empty folder unless said otherwise, so that a
 * stray `./data` shows), without the developer's SEMASWIFT_* variables. A `serve` that wrongly
 * starts is killed by the timeout and shows up as a null exit code.
 */
function cli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Outcome> {
  const clean = Object.entries(process.env).filter(([name]) => !name.startsWith('SEMASWIFT_'));
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? mkdtempSync(join(dir, 'cwd-')),
        env: { ...Object.fromEntries(clean), ...options.env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Exit 2 and one stderr line matching `message`, nothing on stdout. */
function expectUsageError(outcome: Outcome, message: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(2);
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).toMatch(message);
  expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
}

const newUser = (email: string, ...more: string[]) => [
  'user',
  'create',
  '--db',
  db,
  '--email',
  email,
  '--password',
  PASSWORD,
  ...more,
];

describe('semaswift-auth usage errors exit 2, naming the flag', () => {
  it.each([
    [['serve', '--bogus', '1'], /serve: unknown flag --bogus/],
    [['user', 'create', '--bogus'], /user create: unknown flag --bogus/],
    [['client', 'create', '-x'], /unknown flag -x/],
    [['keys', 'rotate', '--db'], /--db needs a value/],
    [['serve', '--port', '--host', '127.0.0.1'], /--port needs a value/],
    [['serve', 'now'], /unexpected argument "now"/],
    [['client', 'create', '--public=yes'], /--public takes no value/],
    [['user', 'create', '--email', 'a@example.com'], /missing --password and --org/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['user'], /unknown command "user" \(did you mean user create\?\)/],
    [['user', 'delete'], /unknown command "user delete" \(did you mean user create\?\)/],
    [['--port', '80'], /a command comes before --port/],
  ])('%j', async (args, message) => {
    expectUsageError(await cli(args), message);
  });

  it.each([
    ['--port', '-1', /--port must be a port number \(0 to 65535\) \(got "-1"\)/],
    ['--access-token-ttl', '-5', /--access-token-ttl must be a positive integer \(got "-5"\)/],
    ['--ext-authz-port', '-9', /--ext-authz-port must be a port number/],
  ])(
    'reads a negative value after a space (%s %s) and refuses it like the = form',
    async (flag, value, message) => {
      const spaced = await cli(['serve', flag, value]);
      const joined = await cli(['serve', `${flag}=${value}`]);
      expectUsageError(spaced, message);
      expect(spaced.stderr).toBe(joined.stderr);
    },
  );

  it.each([
    [
      { SEMASWIFT_LOG_LEVEL: 'loud' },
      /SEMASWIFT_LOG_LEVEL \(--log-level\) must be one of trace, debug, info/,
    ],
    [{ SEMASWIFT_PORT: 'abc' }, /SEMASWIFT_PORT \(--port\) must be a port number/],
    [{ SEMASWIFT_SECRET_KEY: 'too-short' }, /SEMASWIFT_SECRET_KEY \(--secret-key\) must be 32 bytes/],
    [{ SEMASWIFT_DB: 'bogus://x' }, /SEMASWIFT_DB \(--db\) must be a SQLite file path/],
  ])('names the variable a bad value came from: %j', async (env, message) => {
    expectUsageError(await cli(['serve'], { env }), message);
  });

  it('names the flag, not the variable, when the flag gave the value', async () => {
    const outcome = await cli(['serve', '--log-level', 'loud'], { env: { SEMASWIFT_LOG_LEVEL: 'info' } });
    expectUsageError(outcome, /serve: --log-level must be one of/);
  });

  it('never repeats a secret value in its message', async () => {
    const outcome = await cli(['serve', '--secret-key', 'hunter2-not-a-key']);
    expectUsageError(outcome, /--secret-key must be 32 bytes/);
    expect(outcome.stderr).not.toContain('hunter2');
  });

  it.each([
    [['--org', 'acme', '--org', 'other'], /--org is given more than once/],
    [['--org', 'acme', '--name', 'A', '--name=B'], /--name is given more than once/],
  ])('refuses a single-valued flag given twice: %j', async (more, message) => {
    expectUsageError(await cli(newUser('twice@example.com', ...more)), message);
  });

  it.each([
    [['--org', 'acme', '--role', 'boss'], /--role must be admin or agent \(got "boss"\)/],
    [['--org', 'acme', '--password', 'x'], /--password is given more than once/],
  ])('refuses a bad user before touching the store: %j', async (more, message) => {
    const store = join(dir, 'untouched.db');
    const args = newUser('bad@example.com', ...more).map((a) => (a === db ? store : a));
    expectUsageError(await cli(args), message);
    expect(existsSync(store)).toBe(false);
  });
});

describe('semaswift-auth serve checks its settings before creating anything', () => {
  it('refuses unreadable TLS files before the database or the development key exist', async () => {
    const cwd = mkdtempSync(join(dir, 'tls-'));
    const outcome = await cli(
      [
        'serve',
        '--db',
        join(cwd, 'auth.db'),
        '--tls-cert',
        '/nonexistent.pem',
        '--tls-key',
        '/nonexistent.pem',
      ],
      { cwd },
    );
    expectUsageError(outcome, /--tls-cert: cannot read "\/nonexistent.pem" \(no such file\)/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses one TLS file without the other, naming the variable it came from', async () => {
    const cert = join(dir, 'cert.pem');
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\n');
    const outcome = await cli(['serve'], { env: { SEMASWIFT_TLS_CERT: cert } });
    expectUsageError(outcome, /SEMASWIFT_TLS_CERT \(--tls-cert\) needs --tls-key \(or SEMASWIFT_TLS_KEY\)/);
  });

  it.each([
    ['bogus://x', /--db must be a SQLite file path, sqlite:PATH, or a postgres:\/\/ or postgresql:\/\/ URL/],
    ['sqlite:', /--db: "sqlite:" names no file/],
  ])('refuses --db %s before writing ./data/secret.key', async (value, message) => {
    const cwd = mkdtempSync(join(dir, 'db-'));
    expectUsageError(await cli(['serve', '--db', value], { cwd }), message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('keeps a password in a --db URL out of its message', async () => {
    const outcome = await cli(['serve', '--db', 'mysql://admin:s3cret@db/auth']);
    expectUsageError(outcome, /not a "mysql:" URL/);
    expect(outcome.stderr).not.toContain('s3cret');
  });
});

describe('semaswift-auth --help', () => {
  it.each([
    [[], /Usage: semaswift-auth <command>/],
    [['--help'], /Usage: semaswift-auth <command>/],
    [['-h'], /Usage: semaswift-auth <command>/],
    [['help'], /Usage: semaswift-auth <command>/],
    [['serve', '--help'], /Usage: semaswift-auth serve[\s\S]*--access-token-ttl[\s\S]*Default: 3600/],
    [['serve', '-h'], /Usage: semaswift-auth serve/],
    [['user', 'create', '--help'], /Usage: semaswift-auth user create --email E/],
    [['client', 'create', '-h'], /Usage: semaswift-auth client create --name N/],
    [['keys', 'rotate', '--help'], /Usage: semaswift-auth keys rotate/],
    // Asking for help with a half-typed command gives the help, not the mistake.
    [['user', 'create', '--bogus', '--org', '--help'], /Usage: semaswift-auth user create/],
    [['user', '--help'], /Usage: semaswift-auth <command>/],
  ])('%j prints usage on stdout and exits 0', async (args, usage) => {
    const outcome = await cli(args);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toMatch(usage);
  });
});

describe('semaswift-auth admin commands', () => {
  it('use only --db: a bad server-only variable does not stop them', async () => {
    const env = {
      SEMASWIFT_PORT: 'abc',
      SEMASWIFT_LOG_LEVEL: 'loud',
      SEMASWIFT_TLS_CERT: '/nonexistent.pem',
      SEMASWIFT_ISSUER: 'not a url',
      SEMASWIFT_DB: db,
    };
    const created = await cli(
      ['user', 'create', '--email', 'env@example.com', '--password', PASSWORD, '--org', 'acme'],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: 'env@example.com', roles: ['agent'] });
    const rotated = await cli(['keys', 'rotate'], { env });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toHaveProperty('kid');
  });

  it('refuse a server-only flag as unknown', async () => {
    expectUsageError(await cli(['keys', 'rotate', '--db', db, '--port', '80']), /unknown flag --port/);
  });

  it('still validate the --db they use, naming the variable', async () => {
    const outcome = await cli(['keys', 'rotate'], { env: { SEMASWIFT_DB: 'bogus://x' } });
    expectUsageError(outcome, /keys rotate: SEMASWIFT_DB \(--db\) must be/);
  });

  it('keep repeatable flags repeatable', async () => {
    const outcome = await cli(
      newUser('roles@example.com', '--org', 'acme', '--role', 'admin', '--role', 'agent'),
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(JSON.parse(outcome.stdout).roles).toEqual(['admin', 'agent']);
  });

  it('keep --redirect-uri and --scope repeatable', async () => {
    const outcome = await cli([
      'client',
      'create',
      '--db',
      db,
      '--name',
      'Acme',
      ...['--redirect-uri', 'https://a.example.test/cb', '--redirect-uri', 'https://b.example.test/cb'],
      ...['--scope', 'openid', '--scope', 'user:read'],
      '--public',
    ]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(Object.keys(JSON.parse(outcome.stdout))).toEqual(['client_id']);
  });

  it('exit 1 on a runtime failure: the email already taken', async () => {
    const first = await cli(newUser('dup@example.com', '--org', 'acme'));
    expect(first.code, first.stderr).toBe(0);
    const second = await cli(newUser('dup@example.com', '--org', 'acme'));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^semaswift-auth: user create: .*already exists/);
  });

  it('exit 1 on a runtime failure: the database unreachable', async () => {
    const outcome = await cli(['keys', 'rotate', '--db', 'postgres://nobody:pw@127.0.0.1:1/auth']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/keys rotate: cannot open the database \(--db\)/);
    expect(outcome.stderr).not.toContain('pw@');
  });
});
