import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/main.ts');

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  extAuthzPort: number | undefined;
  /** Every stdout line so far (JSON logs). */
  lines: string[];
  /** Sends a signal and resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the real CLI (`semaswift-auth …`) to completion and parses its JSON answer. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): unknown {
  return JSON.parse(
    execFileSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...cleanEnv(), ...env },
    }),
  );
}

/** The environment without the developer's SEMASWIFT_* variables. */
export const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SEMASWIFT_')));

/**
 * `semaswift-auth serve` as its own process, on port 0; resolves once its `listening` log line
 * says which ports it bound.
 */
export async function startServerProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const listening = new Promise<{ port: number; extAuthzPort?: number }>((resolvePromise, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number; extAuthzPort?: number };
      if (entry.msg === 'listening') resolvePromise(entry as { port: number; extAuthzPort?: number });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr.join('')}`)));
  });
  const { port, extAuthzPort } = await listening;
  return {
    child,
    port,
    extAuthzPort,
    lines,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
