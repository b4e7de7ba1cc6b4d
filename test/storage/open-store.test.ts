import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.ts';
import { anOrganization } from './cases/fixtures.ts';
import { useTempDatabasePaths } from './helpers/temp-dir.ts';

const newDatabasePath = useTempDatabasePaths();

/** Opens `url`, writes through it and closes it; then reads the file back as a plain path. */
async function roundTrip(url: string, path: string): Promise<void> {
  const organization = anOrganization();
  const writer = await openStore(url);
  await writer.ensureOrganization(organization);
  await writer.close();
  const reader = await openStore(path);
  expect(await reader.findOrganizationById(organization.id)).toEqual(organization);
  await reader.close();
}

describe('openStore', () => {
  it('opens SQLite from sqlite:PATH, sqlite://PATH and a plain path', async () => {
    const viaScheme = newDatabasePath();
    await roundTrip(`sqlite:${viaScheme}`, viaScheme);
    const viaSlashes = newDatabasePath();
    await roundTrip(`sqlite://${viaSlashes}`, viaSlashes);
    const plain = newDatabasePath();
    await roundTrip(plain, plain);
  });

  it('opens an in-memory SQLite store', async () => {
    for (const url of [':memory:', 'sqlite::memory:']) {
      const store = await openStore(url);
      expect(await store.listSigningKeys()).toEqual([]);
      await store.close();
    }
  });

  it('routes postgres:// to PostgreSQL and never echoes the password when it cannot connect', async () => {
    // Port 1 refuses at once: the PostgreSQL backend was chosen and failed to connect.
    for (const url of [
      'postgres://auth:secret@127.0.0.1:1/auth',
      'postgresql://auth:secret@127.0.0.1:1/auth',
    ]) {
      const attempt = openStore(url);
      await expect(attempt).rejects.toThrow();
      await expect(attempt).rejects.not.toThrow(/secret/);
    }
  });

  it('rejects other schemes without echoing the URL', async () => {
    const attempt = openStore('mysql://root:secret@db/auth');
    await expect(attempt).rejects.toThrow(/unsupported storage URL scheme "mysql:"/);
    await expect(attempt).rejects.not.toThrow(/secret/);
  });

  it('rejects an empty URL and a sqlite: URL without a path', async () => {
    await expect(openStore('')).rejects.toThrow(/empty/);
    await expect(openStore('sqlite:')).rejects.toThrow(/names no file/);
  });
});
