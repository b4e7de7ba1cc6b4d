import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OAuthTestServer, startOAuthServer } from './support/oauth-server.ts';

const run = promisify(execFile);
const CLI = join(resolve(import.meta.dirname, '../..'), 'src/cli/main.ts');

let server: OAuthTestServer;

beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server?.stop());

/** The CLI's exit code and stderr for arguments it must refuse. */
async function refused(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, 'client', 'create', ...args, '--db', server.dbPath]);
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
  throw new Error('the command succeeded');
}

describe('semaswift-auth client create', () => {
  it('prints the id and the secret once, and stores only the secret’s hash', async () => {
    const created = await server.createClient({
      name: 'Acme',
      redirectUris: ['https://app.example.test/cb'],
    });
    expect(Object.keys(created).sort()).toEqual(['client_id', 'client_secret']);
    expect(created.client_id).toMatch(/^cli_[0-9A-Za-z]{22}$/);
    const [row] = server.rows<Record<string, unknown>>(
      `SELECT * FROM oauth_clients WHERE id = '${created.client_id}'`,
    );
    expect(row).toMatchObject({ name: 'Acme', first_party: 0 });
    expect(JSON.parse(String(row?.scopes))).toEqual(['openid', 'profile', 'email', 'offline_access']);
    expect(String(row?.secret_hash)).toMatch(/^sha256:/);
    expect(JSON.stringify(row)).not.toContain(created.client_secret);
  });

  it('gives a public client no secret', async () => {
    const created = await server.createClient({ redirectUris: ['com.acme.app:/callback'], isPublic: true });
    expect(Object.keys(created)).toEqual(['client_id']);
  });

  it.each([
    [['--redirect-uri', 'https://app.example.test/cb'], /--name/],
    [['--name', 'Acme'], /--redirect-uri/],
    [['--name', 'Acme', '--redirect-uri', 'http://app.example.test/cb'], /use https/],
    [['--name', 'Acme', '--redirect-uri', 'https://app.example.test/cb#x'], /fragment/],
    [['--name', 'Acme', '--redirect-uri', 'https://user:pw@app.example.test/cb'], /credentials/],
    [['--name', 'Acme', '--redirect-uri', 'javascript:alert(1)'], /not allowed/],
    [['--name', 'Acme', '--redirect-uri', '/callback'], /absolute/],
    [
      ['--name', 'Acme', '--redirect-uri', 'https://app.example.test/cb', '--scope', 'admin'],
      /Unknown scope/,
    ],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await refused(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
