import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { type RequestOptions, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServerProcess } from '../support/server-process.ts';

const PASSWORD = 'process-password-1';
const dir = mkdtempSync(join(tmpdir(), 'semaswift-process-'));
const db = join(dir, 'auth.db');
const SECRET = Buffer.alloc(32, 3).toString('base64');

beforeAll(() => {
  cli(['user', 'create', '--db', db, '--email', 'proc@example.com', '--password', PASSWORD, '--org', 'proc']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const login = (base: string) =>
  fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-from-envoy-1' },
    body: JSON.stringify({ email: 'proc@example.com', password: PASSWORD }),
  });

describe('semaswift-auth serve, as a process', () => {
  it('logs one JSON line per request with its request id, and never a password or token', async () => {
    const server = await startServerProcess(['--db', db, '--ext-authz-port', 'off', '--secret-key', SECRET]);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const tokens = (await (await login(base)).json()) as { access_token: string; refresh_token: string };
      await fetch(`${base}/api/v1/users/me?access_token=${tokens.access_token}`);
      await fetch(`${base}/api/v1/users/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      await fetch(`${base}/api/v1/auth/refresh`, {
        method: 'POST',
        body: JSON.stringify({ refresh_token: tokens.refresh_token }),
      });
      expect(await server.stop()).toBe(0);
      const log = server.lines.join('\n');
      for (const secret of [
        PASSWORD,
        tokens.access_token.split('.')[2],
        tokens.refresh_token.split('.')[2],
        SECRET,
      ]) {
        expect(log).not.toContain(secret);
      }
      const requests = server.lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'request');
      expect(requests.find((e) => e.path === '/api/v1/auth/login')).toMatchObject({
        requestId: 'req-from-envoy-1',
        status: 200,
      });
      expect(requests.some((e) => String(e.path).includes('?'))).toBe(false);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  it('drains in-flight requests on SIGTERM and exits 0', async () => {
    const server = await startServerProcess(['--db', db, '--ext-authz-port', 'off', '--secret-key', SECRET]);
    const base = `http://127.0.0.1:${server.port}`;
    const inFlight = Array.from({ length: 4 }, () => login(base));
    // Sign-ins take an argon2 hash each, one after the other: when the first answers, the others
    // have arrived and are still being worked on as the signal lands.
    const first = await Promise.race(inFlight);
    expect(first.status).toBe(200);
    const exited = server.stop('SIGTERM');
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await exited).toBe(0);
    expect(server.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });

  it('refuses a bad flag with a clear message and exit code 2', () => {
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, ['src/cli/main.ts', 'serve', '--port', 'eighty'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(2);
    expect(failure?.stderr).toMatch(/--port must be a port number/);
  });

  it('serves HTTP/2 and HTTP/1.1 on one TLS port by ALPN', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const server = await startServerProcess([
      '--db',
      db,
      '--ext-authz-port',
      'off',
      '--secret-key',
      SECRET,
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    try {
      const h1 = await new Promise<{ status?: number; alpn: string | false | null }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/api/v1/health',
            rejectUnauthorized: false,
            ALPNProtocols: ['http/1.1'],
          } as RequestOptions,
          (res) => {
            res.resume();
            resolve({
              status: res.statusCode,
              alpn: (res.socket as import('node:tls').TLSSocket).alpnProtocol,
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(h1).toEqual({ status: 200, alpn: 'http/1.1' });
      const session = connect(`https://127.0.0.1:${server.port}`, { rejectUnauthorized: false });
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':path': '/api/v1/health' });
        stream.on('response', (headers) => resolve(Number(headers[':status'])));
        stream.on('error', reject);
        stream.end();
      });
      expect(status).toBe(200);
      expect(session.alpnProtocol).toBe('h2');
      session.close();
    } finally {
      await server.stop();
    }
  });
});
