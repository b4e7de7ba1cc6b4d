import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A temporary directory for this test file, removed after its tests. Returns a function giving a
 * fresh database path inside it (in a not-yet-existing subfolder, so folder creation is covered).
 */
export function useTempDatabasePaths(): () => string {
  const root = mkdtempSync(join(tmpdir(), 'semaswift-store-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  return () => join(root, `db-${++count}`, 'auth.db');
}
