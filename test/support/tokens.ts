import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { type JWTPayload, SignJWT } from 'jose';
import { TEST_ISSUER } from './test-server.ts';

/** The audience of access tokens (the default `--audience`). */
export const AUDIENCE = 'semaswift-api';

export interface StoredSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  retired: boolean;
}

/**
 * The server's signing keys, read straight from its SQLite file (the active key first): what an
 * attacker who stole the database would hold, and what lets these tests sign tokens of their own.
 */
export function readSigningKeys(dbPath: string): StoredSigningKey[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT kid, private_key_pem, retired_at FROM signing_keys ORDER BY retired_at IS NOT NULL')
      .all() as Array<{ kid: string; private_key_pem: string; retired_at: number | null }>;
    return rows.map((row) => {
      const privateKey = createPrivateKey(row.private_key_pem);
      return {
        kid: row.kid,
        privateKey,
        publicKey: createPublicKey(privateKey),
        retired: row.retired_at !== null,
      };
    });
  } finally {
    db.close();
  }
}

/** The key new tokens are signed with. */
export function activeSigningKey(dbPath: string): StoredSigningKey {
  const active = readSigningKeys(dbPath).find((key) => !key.retired);
  if (!active) throw new Error('no active signing key in the database');
  return active;
}

export interface AccessTokenOptions {
  /** Claims to add or replace (undefined removes a claim). */
  claims?: Record<string, unknown>;
  /** Protected header entries to replace (alg, kid, typ). */
  header?: Record<string, unknown>;
}

/**
 * An access token shaped exactly like the server's (RS256, kid, `at+jwt`, every claim), signed with
 * `key`; `options` bends one thing at a time to make it hostile.
 */
export async function signAccessToken(
  key: { kid: string; privateKey: KeyObject },
  subject: { sub: string; organization_id: string; roles: string[]; permissions: string[] },
  options: AccessTokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    ...subject,
    iss: TEST_ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 600,
    jti: `jti_test_${randomUUID()}`,
    ...options.claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const header = { alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...options.header };
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS assembled by hand, for tokens no library would sign (`alg: none`). */
export function assembleJws(header: unknown, payload: unknown, signature = ''): string {
  return `${base64url(header)}.${base64url(payload)}.${signature}`;
}

/** The token with its payload replaced and its original header and signature kept. */
export function withPayload(token: string, payload: unknown): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(payload)}.${signature}`;
}
