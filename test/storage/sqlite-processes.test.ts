import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { anOrganization, aUser } from './cases/fixtures.ts';
import { useTempDatabasePaths } from './helpers/temp-dir.ts';

const HELPER = fileURLToPath(new URL('./helpers/sqlite-process.ts', import.meta.url));
const newDatabasePath = useTempDatabasePaths();

interface Child {
  /** Resolves with the first line the child prints. */
  firstLine: Promise<string>;
  /** Resolves with everything printed once the child exits; rejects if it failed. */
  done: Promise<string>;
}

/** Runs the helper in its own Node process: a genuinely separate SQLite connection and lock. */
function runHelper(...args: string[]): Child {
  const child = spawn(process.execPath, [HELPER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => {
    onLine = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('\n')) onLine(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = once(child, 'close').then(([code]) => {
    if (code !== 0) throw new Error(`helper ${args.join(' ')} exited with ${code}: ${stderr}`);
    return stdout;
  });
  return { firstLine, done };
}

describe('SQLite store beside another process', () => {
  it('waits for another process’s write lock instead of failing', async () => {
    const path = newDatabasePath();
    const store = await openSqliteStore(path);
    try {
      const organization = await store.ensureOrganization(anOrganization());
      const locker = runHelper('hold-write-lock', path, '800');
      expect(await Promise.race([locker.firstLine, locker.done])).toBe('locked');

      const started = performance.now();
      expect(await store.createUser(aUser(organization.id))).toBe(true);
      expect(performance.now() - started).toBeGreaterThan(100);

      await locker.done;
      expect(await store.findOrganizationByName('Locker')).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('survives several processes creating and migrating a fresh file at once', async () => {
    const path = newDatabasePath();
    const children = Array.from({ length: 4 }, () => runHelper('ensure-organization', path, 'Shared'));
    const ids = (await Promise.all(children.map((c) => c.done))).map((out) => out.trim());

    expect(new Set(ids).size).toBe(1);
    const store = await openSqliteStore(path);
    expect((await store.findOrganizationByName('Shared'))?.id).toBe(ids[0]);
    await store.close();
  });
});
