import type { Pool } from 'pg';
import type { Store } from '../store.ts';
import { type SigningKeyRow, toSigningKeyRecord } from './rows.ts';
import { execute, queryRows, statement, withTransaction } from './sql.ts';

/** The part of the store about JWT signing keys. */
export type SigningKeyStore = Pick<
  Store,
  'listSigningKeys' | 'rotateSigningKey' | 'deleteSigningKeysRetiredBefore'
>;

const listKeys = statement<SigningKeyRow>(
  'signing-key.list',
  `SELECT kid, alg, private_key_pem, public_jwk, created_at, retired_at FROM signing_keys
   ORDER BY retired_at IS NOT NULL, created_at DESC, kid DESC`,
);
const retireActiveKeys = statement(
  'signing-key.retire-active',
  'UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL',
);
const insertActiveKey = statement(
  'signing-key.insert-active',
  `INSERT INTO signing_keys (kid, alg, private_key_pem, public_jwk, created_at, retired_at)
   VALUES ($1, $2, $3, $4::jsonb, $5, NULL)`,
);
// "retired_at < $1" is never true for NULL, so the active key cannot match.
const deleteRetiredBefore = statement(
  'signing-key.delete-retired-before',
  'DELETE FROM signing_keys WHERE retired_at < $1',
);

/** JWT signing keys on `pool`. */
export function createSigningKeyStore(pool: Pool): SigningKeyStore {
  return {
    async listSigningKeys() {
      return (await queryRows(pool, listKeys, [])).map(toSigningKeyRecord);
    },
    async rotateSigningKey(key) {
      await withTransaction(pool, async (client) => {
        // Two replicas rotating at once would each retire only the key they saw and both insert:
        // this lock, which excludes other writers of the table but not readers, queues them.
        await client.query('LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE');
        await execute(client, retireActiveKeys, [key.createdAt]);
        await execute(client, insertActiveKey, [
          key.kid,
          key.alg,
          key.privateKeyPem,
          JSON.stringify(key.publicJwk),
          key.createdAt,
        ]);
      });
    },
    async deleteSigningKeysRetiredBefore(cutoff) {
      await execute(pool, deleteRetiredBefore, [cutoff]);
    },
  };
}
