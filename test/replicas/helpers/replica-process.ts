import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { TEST_ISSUER } from '../../support/test-server.ts';

const run = promisify(execFile);
const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(PROJECT_ROOT, 'src/cli/main.ts');
const START_TIMEOUT_MS = 30_000;
/** Log lines kept per replica, to explain a failure. */
const KEPT_LINES = 200;

export interface Replica {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  port: number;
  extAuthzPort: number;
  /** The log lines (pino JSON) printed so far, newest last, at most {@link KEPT_LINES}. */
  logLines(): string[];
  /** SIGTERM, and waits for the process to exit. */
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  /** `--db`. */
  db: string;
  /** The `--secret-key` every replica of a deployment shares (passed as SEMASWIFT_SECRET_KEY). */
  secretKey: string;
  /** More flags, e.g. `--rate-limit-store redis://…`. */
  args?: string[];
}

/** The environment for our processes, without any SEMASWIFT_* variable of the developer's shell. */
function processEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.entries(process.env).filter(([name]) => !name.startsWith('SEMASWIFT_'));
  return { ...Object.fromEntries(env), ...extra };
}

/**
 * Starts `semaswift-auth serve` as its own process, on ports the OS picks, and resolves once its
 * `listening` log line (which names both ports) is out. Its stdout is read to the end, so a chatty
 * replica never blocks on a full pipe.
 */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      ...['--db', options.db, '--host', '127.0.0.1', '--port', '0', '--ext-authz-port', '0'],
      ...['--issuer', TEST_ISSUER, '--log-level', 'info'],
      ...(options.args ?? []),
    ],
    { cwd: PROJECT_ROOT, env: processEnvironment({ SEMASWIFT_SECRET_KEY: options.secretKey }) },
  );
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const listening = new Promise<{ port: number; extAuthzPort: number }>((resolveListening, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`replica did not start: ${diagnostics()}`)),
      START_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      const entry = parseLogLine(line);
      if (entry?.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolveListening({ port: entry.port, extAuthzPort: Number(entry.extAuthzPort) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited with ${code} during start-up: ${diagnostics()}`));
    });
  });
  const diagnostics = () => `${stderr.trim()} ${lines.slice(-5).join('\n')}`.trim();

  let ports: { port: number; extAuthzPort: number };
  try {
    ports = await listening;
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${ports.port}`,
    ...ports,
    logLines: () => [...lines],
    stop: () => stopProcess(child),
  };
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  // A replica that will not drain within 10 s is killed: the test must not hang on it.
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs an admin command of the real CLI on `db`; resolves its parsed JSON answer. */
export async function cli(db: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [CLI, ...args, '--db', db], {
    cwd: PROJECT_ROOT,
    env: processEnvironment(),
  });
  return JSON.parse(stdout);
}

/** `user create` through the real CLI. */
export async function createUser(
  db: string,
  user: { email: string; password: string; org: string; roles?: string[] },
): Promise<{ id: string; email: string; organization_id: string }> {
  const args = ['user', 'create', '--email', user.email, '--password', user.password, '--org', user.org];
  for (const role of user.roles ?? []) args.push('--role', role);
  return (await cli(db, args)) as { id: string; email: string; organization_id: string };
}
