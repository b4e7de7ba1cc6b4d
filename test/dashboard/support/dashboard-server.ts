import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config/config.ts';
import { startTestServer, TEST_ISSUER, type TestServer } from '../../support/test-server.ts';

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

export interface DashboardTestServer extends TestServer {
  /** `https://auth.semaswift.test`: what the browser opens (mapped to this server's port). */
  issuer: string;
  /** The self-signed certificate the server presents (for `auth.semaswift.test` and 127.0.0.1). */
  certificate: Buffer;
  /**
   * One HTTPS request to the server, trusting its certificate: how the docs' curl examples call the
   * API. `json` is sent as JSON, `form` as a urlencoded form.
   */
  call(
    path: string,
    init?: {
      method?: string;
      headers?: Record<string, string>;
      json?: unknown;
      form?: Record<string, string>;
    },
  ): Promise<HttpsAnswer>;
}

/**
 * The real server over TLS (as in production: Secure and `__Secure-` cookies, HTTP/2 by ALPN) with
 * the test issuer `https://auth.semaswift.test`; Chromium reaches it by a host-resolver rule.
 */
export async function startDashboardServer(overrides: Partial<Config> = {}): Promise<DashboardTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'semaswift-dashboard-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const host = new URL(TEST_ISSUER).hostname;
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host},IP:127.0.0.1`,
    ]),
    { stdio: 'ignore' },
  );
  const certificate = readFileSync(cert);
  const server = await startTestServer({ tlsCert: cert, tlsKey: key, ...overrides });

  const call: DashboardTestServer['call'] = (path, init = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host, ...init.headers };
      let body: string | undefined;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      } else if (init.form !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(init.form).toString();
      }
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          method: init.method ?? (body === undefined ? 'GET' : 'POST'),
          headers,
          ca: certificate,
          servername: host,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text,
              json: <T>() => JSON.parse(text) as T,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  return {
    ...server,
    issuer: TEST_ISSUER,
    certificate,
    call,
    async stop() {
      try {
        await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** `POST /api/v1/auth/login` over HTTPS; the token pair, or the MFA challenge. */
export async function apiLogin(server: DashboardTestServer, email: string, password: string) {
  const answer = await server.call('/api/v1/auth/login', { json: { email, password } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${answer.body}`);
  return answer.json<{ access_token: string; mfa_token?: string }>();
}
