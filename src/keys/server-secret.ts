import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The server secret keys what a leaked database alone must not reveal: PAT hashes (HMAC) and,
 * with the MFA issue, encrypted TOTP secrets. It never lives in the database. Purposes get their
 * own subkeys (HKDF), so one use can never be turned into another.
 */
export interface ServerSecret {
  /** HMAC-SHA-256 under the purpose's subkey, base64url. */
  mac(purpose: 'pat', value: string): string;
  /** A 32-byte subkey for a purpose (AES-256-GCM for TOTP secrets). */
  subkey(purpose: string): Buffer;
}

export interface ServerSecretSource {
  /** `--secret-key`: 32 bytes, base64 or hex. */
  secretKey: string | undefined;
  /** Where development keeps a generated key when none is configured. */
  developmentKeyFile: string;
  warn: (message: string) => void;
}

export function loadServerSecret(source: ServerSecretSource): ServerSecret {
  const root = source.secretKey ? decodeKey(source.secretKey) : developmentKey(source);
  const subkeys = new Map<string, Buffer>();
  const subkey = (purpose: string) => {
    let key = subkeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `semaswift-auth ${purpose}`, 32));
      subkeys.set(purpose, key);
    }
    return key;
  };
  return {
    mac: (purpose, value) => createHmac('sha256', subkey(purpose)).update(value).digest('base64url'),
    subkey,
  };
}

function decodeKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32)
    throw new Error('--secret-key must be 32 bytes, base64 or hex (openssl rand -base64 32).');
  return key;
}

function developmentKey(source: ServerSecretSource): Buffer {
  const file = source.developmentKeyFile;
  if (existsSync(file)) return decodeKey(readFileSync(file, 'utf8').trim());
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (the admin CLI, a second server) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return decodeKey(readFileSync(file, 'utf8').trim());
    throw error;
  }
  chmodSync(file, 0o600);
  source.warn(
    `No --secret-key configured: generated one for development in ${file}. ` +
      'Production must set SEMASWIFT_SECRET_KEY (the same on every replica); losing it invalidates every PAT.',
  );
  return key;
}
