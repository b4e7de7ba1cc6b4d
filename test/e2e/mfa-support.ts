import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { decodeJwt } from 'jose';
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import { api } from '../support/http.ts';
import type { TestServer, TokenPair } from '../support/test-server.ts';

/** Helpers shared by the MFA end-to-end tests (mfa-*.test.ts). */

/**
 * The TOTP code of `secret` for the step `stepOffset` steps from now, computed by `otpauth` (an
 * implementation independent of the server's otplib). The server accepts ±1 step and each step once,
 * so a test uses offset 0 to confirm and offset 1 to sign in: both stay valid across a step boundary.
 */
export function totpCode(secret: string, stepOffset = 0): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: Date.now() + stepOffset * 30_000,
  });
}

/** The `amr` claim of a JWT (the server's signature is checked by other tests). */
export const amrOf = (jwt: string): unknown => decodeJwt(jwt).amr;

export interface MfaAnswer {
  mfa_required: boolean;
  mfa_token: string;
  mfa_methods: string[];
}

let counter = 0;

/** A new user through the real CLI, with a unique email. */
export async function newUser(server: TestServer, password: string, label: string) {
  counter++;
  const email = `${label}-${counter}-${process.pid}@mfa.test`;
  const user = await server.createUser({ email, password, org: 'mfa', roles: ['agent'] });
  return { ...user, password };
}

/** REST login that expects the MFA answer. */
export async function loginForMfa(server: TestServer, email: string, password: string): Promise<MfaAnswer> {
  const response = await api<MfaAnswer>(server.baseUrl, '/api/v1/auth/login', { json: { email, password } });
  expect(response.status).toBe(200);
  expect(response.body.mfa_required).toBe(true);
  return response.body;
}

export const verifyMfa = (server: TestServer, json: { mfa_token: string; code: string; method: string }) =>
  api<TokenPair>(server.baseUrl, '/api/v1/auth/mfa/verify', { json });

/** Enrols and confirms TOTP (using the current step's code); resolves the secret and recovery codes. */
export async function enrolTotp(server: TestServer, accessToken: string) {
  const enrolment = await api<{ secret: string; otpauth_url: string }>(
    server.baseUrl,
    '/api/v1/auth/mfa/totp/enroll',
    { token: accessToken, json: {} },
  );
  expect(enrolment.status).toBe(200);
  const confirmation = await api<{ recovery_codes: string[] }>(
    server.baseUrl,
    '/api/v1/auth/mfa/totp/confirm',
    {
      token: accessToken,
      json: { code: totpCode(enrolment.body.secret) },
    },
  );
  expect(confirmation.status).toBe(200);
  return { secret: enrolment.body.secret, recoveryCodes: confirmation.body.recovery_codes };
}

/** Moves every mfa_token of the user past its expiry, straight in the server's SQLite file. */
export function expireMfaTokensOf(dbPath: string, userId: string): void {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 5000');
    const now = Math.floor(Date.now() / 1000);
    db.prepare('UPDATE mfa_challenges SET expires_at = ? WHERE user_id = ?').run(now - 1, userId);
  } finally {
    db.close();
  }
}

export interface SmsReceiver {
  /** Where the server POSTs (its `--sms-webhook-url`). */
  url: string;
  /** Every JSON body received, in order. */
  messages: Array<{ to: string; body: string }>;
  /** The HTTP status the next deliveries are answered with. */
  status: number;
  /** The 6-digit code of the last message. */
  lastCode(): string;
  close(): Promise<void>;
}

/** A real SMS gateway adapter on port 0: records what the server POSTs and answers `status`. */
export async function startSmsReceiver(): Promise<SmsReceiver> {
  const receiver: SmsReceiver = {
    url: '',
    messages: [],
    status: 200,
    lastCode() {
      const code = /\b(\d{6})\b/.exec(receiver.messages.at(-1)?.body ?? '')?.[1];
      if (!code) throw new Error('no SMS with a code was received');
      return code;
    },
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.headers['content-type'] === 'application/json') {
        receiver.messages.push(JSON.parse(text) as { to: string; body: string });
      }
      res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver;
}
