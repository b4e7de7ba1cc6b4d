import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  failed: number;
}

/** Runs an admin command of the CLI and parses its JSON answer. */
export function cliJson(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, ['src/cli/main.ts', ...args], { encoding: 'utf8' }));
}

/** Runs one load scenario in a separate process (bench/load.ts). */
export function runLoad(scenario: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['bench/load.ts', JSON.stringify(scenario)],
      { maxBuffer: 1 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as LoadResult)),
    ),
  );
}

/** `count` distinct free ports: every probe stays open until all are chosen. */
async function freePorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => createServer().listen(0, '127.0.0.1'));
  await Promise.all(probes.map((probe) => once(probe, 'listening')));
  const ports = probes.map((probe) => (probe.address() as { port: number }).port);
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

/** Starts `semaswift-auth serve` as its own process and waits until it answers health checks. */
export async function startServer(db: string, extra: string[] = []) {
  const [port = 0, extAuthzPort = 0] = await freePorts(2);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      'src/cli/main.ts',
      'serve',
      '--db',
      db,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--ext-authz-port',
      String(extAuthzPort),
      '--log-level',
      'warn',
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    const ok = await fetch(`${url}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (attempt > 200) throw new Error('server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    extAuthzPort,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
