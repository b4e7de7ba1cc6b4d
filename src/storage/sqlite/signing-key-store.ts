import type Database from 'better-sqlite3';
import type { SigningKeyRecord, Store } from '../store.ts';
import { type SigningKeyRow, toSigningKeyRecord } from './rows.ts';

/** The part of the store about JWT signing keys. */
export type SigningKeyStore = Pick<
  Store,
  'listSigningKeys' | 'rotateSigningKey' | 'deleteSigningKeysRetiredBefore'
>;

/** Prepares the signing-key statements once against `db`. */
export function createSigningKeyStore(db: Database.Database): SigningKeyStore {
  const listKeys = db.prepare<[], SigningKeyRow>(
    `SELECT kid, alg, private_key_pem, public_jwk, created_at, retired_at FROM signing_keys
     ORDER BY retired_at IS NOT NULL, created_at DESC, kid DESC`,
  );
  const retireActiveKeys = db.prepare<[number]>(
    'UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL',
  );
  const insertActiveKey = db.prepare<[string, string, string, string, number]>(
    `INSERT INTO signing_keys (kid, alg, private_key_pem, public_jwk, created_at, retired_at)
     VALUES (?, ?, ?, ?, ?, NULL)`,
  );
  // "retired_at < ?" is never true for NULL, so the active key cannot match.
  const deleteRetiredBefore = db.prepare<[number]>('DELETE FROM signing_keys WHERE retired_at < ?');

  // Retiring and inserting together means readers never see zero or two active keys.
  const rotate = db.transaction((key: SigningKeyRecord) => {
    retireActiveKeys.run(key.createdAt);
    insertActiveKey.run(key.kid, key.alg, key.privateKeyPem, JSON.stringify(key.publicJwk), key.createdAt);
  });

  return {
    async listSigningKeys() {
      return listKeys.all().map(toSigningKeyRecord);
    },
    async rotateSigningKey(key) {
      rotate.immediate(key);
    },
    async deleteSigningKeysRetiredBefore(cutoff) {
      deleteRetiredBefore.run(cutoff);
    },
  };
}
