import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { exportJWK, type JWK } from 'jose';
import { newId } from '../ids/new-id.ts';
import type { SigningKeyRecord, Store } from '../storage/store.ts';

const generateRsa = promisify(generateKeyPair);

/** How often keys are re-read from storage (a `keys rotate` by another process is seen within this). */
const RELOAD_INTERVAL_MS = 10_000;
/** An unknown `kid` triggers a reload at most this often, so garbage kids cannot hammer storage. */
const UNKNOWN_KID_RELOAD_MS = 1_000;

interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

export interface KeyRing {
  /** The key new tokens are signed with. */
  signingKey(): { kid: string; privateKey: KeyObject };
  /** The public key for a `kid`, re-reading storage (rate-limited) when it is unknown. */
  verificationKey(kid: string): Promise<KeyObject | undefined>;
  /** The JWKS document: every published public key, never a private part. */
  jwks(): { keys: JWK[] };
  /**
   * Every loaded key, the active one first (a new array after each reload). For signers that keep
   * their own copy of the keys (the OIDC provider), to notice a rotation and follow it.
   */
  keys(): ReadonlyArray<{ kid: string; privateKey: KeyObject }>;
  /** Generates a new signing key; the old ones stay published until their tokens have expired. */
  rotate(): Promise<string>;
  reload(): Promise<void>;
  stop(): void;
}

export interface KeyRingOptions {
  store: Store;
  /** Seconds a retired key stays published: the longest lifetime of anything it signed. */
  retentionSeconds: number;
  now?: () => number;
}

/** Loads the signing keys (creating the first on a fresh store) and keeps them fresh. */
export async function createKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { store, retentionSeconds } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  let keys: LoadedKey[] = [];
  let jwks: { keys: JWK[] } = { keys: [] };
  let lastUnknownKidReload = 0;

  async function reload(): Promise<void> {
    await store.deleteSigningKeysRetiredBefore(now() - retentionSeconds);
    const records = await store.listSigningKeys();
    keys = records.map(loadKey);
    jwks = { keys: keys.map((k) => k.jwk) };
  }

  async function rotate(): Promise<string> {
    const record = await generateSigningKey(now());
    await store.rotateSigningKey(record);
    await reload();
    return record.kid;
  }

  await reload();
  if (keys.length === 0) await rotate();
  const timer = setInterval(() => reload().catch(() => {}), RELOAD_INTERVAL_MS);
  timer.unref();

  return {
    signingKey() {
      const active = keys[0];
      if (!active) throw new Error('no signing key loaded');
      return active;
    },
    async verificationKey(kid) {
      let key = keys.find((k) => k.kid === kid);
      if (!key && Date.now() - lastUnknownKidReload > UNKNOWN_KID_RELOAD_MS) {
        lastUnknownKidReload = Date.now();
        await reload();
        key = keys.find((k) => k.kid === kid);
      }
      return key?.publicKey;
    },
    jwks: () => jwks,
    keys: () => keys,
    rotate,
    reload,
    stop: () => clearInterval(timer),
  };
}

/** A fresh RSA-2048 key pair as a storage record. */
export async function generateSigningKey(createdAt: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const { kty, n, e } = await exportJWK(publicKey);
  return {
    kid: newId('kid'),
    alg: 'RS256',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk: { kty, n, e },
    createdAt,
    retiredAt: null,
  };
}

function loadKey(record: SigningKeyRecord): LoadedKey {
  const privateKey = createPrivateKey(record.privateKeyPem);
  return {
    kid: record.kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
    jwk: { ...record.publicJwk, kid: record.kid, alg: record.alg, use: 'sig' },
  };
}
