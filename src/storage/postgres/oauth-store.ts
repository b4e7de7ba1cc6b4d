import type { Pool } from 'pg';
import type { OAuthClientRecord, OAuthRecord, OAuthStore } from '../../oauth/oauth-store.ts';
import { execute, queryFirst, statement } from './sql.ts';

/** A bigint column as pg returns it (a decimal string). */
type Int8 = string;

interface RecordRow {
  model: string;
  id_hash: string;
  grant_id: string | null;
  session_uid: string | null;
  account_id: string | null;
  payload: Record<string, unknown>;
  expires_at: Int8 | null;
  consumed_at: Int8 | null;
}

interface ClientRow {
  id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: string[];
  scopes: string[];
  first_party: boolean;
  created_at: Int8;
}

interface ConsentRow {
  user_id: string;
  client_id: string;
  scopes: string[];
  granted_at: Int8;
}

const epochOrNull = (value: Int8 | null): number | null => (value === null ? null : Number(value));

const toRecord = (row: RecordRow): OAuthRecord => ({
  model: row.model,
  idHash: row.id_hash,
  grantId: row.grant_id,
  sessionUid: row.session_uid,
  accountId: row.account_id,
  payload: row.payload,
  expiresAt: epochOrNull(row.expires_at),
  consumedAt: epochOrNull(row.consumed_at),
});

const toClient = (row: ClientRow): OAuthClientRecord => ({
  id: row.id,
  name: row.name,
  secretHash: row.secret_hash,
  redirectUris: row.redirect_uris,
  scopes: row.scopes,
  firstParty: row.first_party,
  createdAt: Number(row.created_at),
});

const RECORD_COLUMNS = 'model, id_hash, grant_id, session_uid, account_id, payload, expires_at, consumed_at';
const CLIENT_COLUMNS = 'id, name, secret_hash, redirect_uris, scopes, first_party, created_at';

// consumed_at is left alone on conflict: a used code or token never becomes unused again.
const upsertRecord = statement(
  'oauth.upsert-record',
  `INSERT INTO oauth_records (${RECORD_COLUMNS})
   VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, NULL)
   ON CONFLICT (model, id_hash) DO UPDATE SET grant_id = EXCLUDED.grant_id,
     session_uid = EXCLUDED.session_uid, account_id = EXCLUDED.account_id,
     payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at`,
);
const recordById = statement<RecordRow>(
  'oauth.record-by-id',
  `SELECT ${RECORD_COLUMNS} FROM oauth_records WHERE model = $1 AND id_hash = $2`,
);
const recordBySessionUid = statement<RecordRow>(
  'oauth.record-by-session-uid',
  `SELECT ${RECORD_COLUMNS} FROM oauth_records WHERE model = $1 AND session_uid = $2`,
);
// One conditional UPDATE: of two concurrent calls the second waits on the row lock, then finds
// consumed_at set and changes nothing.
const consumeRecord = statement(
  'oauth.consume-record',
  'UPDATE oauth_records SET consumed_at = $3 WHERE model = $1 AND id_hash = $2 AND consumed_at IS NULL',
);
const destroyRecord = statement(
  'oauth.destroy-record',
  'DELETE FROM oauth_records WHERE model = $1 AND id_hash = $2',
);
const deleteOfGrant = statement(
  'oauth.delete-of-grant',
  'DELETE FROM oauth_records WHERE model = $1 AND grant_id = $2',
);
const revokeGrant = statement('oauth.revoke-grant', 'DELETE FROM oauth_records WHERE grant_id = $1');
const deleteExpired = statement('oauth.delete-expired', 'DELETE FROM oauth_records WHERE expires_at < $1');
const insertClient = statement(
  'oauth.insert-client',
  `INSERT INTO oauth_clients (${CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7)`,
);
const updateClient = statement(
  'oauth.update-client',
  `UPDATE oauth_clients SET name = $2, redirect_uris = $3::text[], scopes = $4::text[], first_party = $5
   WHERE id = $1`,
);
const clientById = statement<ClientRow>(
  'oauth.client-by-id',
  `SELECT ${CLIENT_COLUMNS} FROM oauth_clients WHERE id = $1`,
);
const saveConsent = statement(
  'oauth.save-consent',
  `INSERT INTO oauth_consents (user_id, client_id, scopes, granted_at) VALUES ($1, $2, $3::text[], $4)
   ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = EXCLUDED.scopes, granted_at = EXCLUDED.granted_at`,
);
const consentOf = statement<ConsentRow>(
  'oauth.consent-of',
  'SELECT user_id, client_id, scopes, granted_at FROM oauth_consents WHERE user_id = $1 AND client_id = $2',
);

/** OAuth clients, consents and oidc-provider's artifacts on `pool`. */
export function createPostgresOAuthStore(pool: Pool): OAuthStore {
  return {
    async upsertOAuthRecord(record) {
      await execute(pool, upsertRecord, [
        record.model,
        record.idHash,
        record.grantId,
        record.sessionUid,
        record.accountId,
        JSON.stringify(record.payload),
        record.expiresAt,
      ]);
    },
    async findOAuthRecord(model, idHash) {
      const row = await queryFirst(pool, recordById, [model, idHash]);
      return row && toRecord(row);
    },
    async findOAuthRecordBySessionUid(model, sessionUid) {
      const row = await queryFirst(pool, recordBySessionUid, [model, sessionUid]);
      return row && toRecord(row);
    },
    async consumeOAuthRecord(model, idHash, now) {
      return (await execute(pool, consumeRecord, [model, idHash, now])) === 1;
    },
    async destroyOAuthRecord(model, idHash) {
      await execute(pool, destroyRecord, [model, idHash]);
    },
    async deleteOAuthRecordsOfGrant(model, grantId) {
      await execute(pool, deleteOfGrant, [model, grantId]);
    },
    async revokeOAuthGrant(grantId) {
      await execute(pool, revokeGrant, [grantId]);
    },
    deleteOAuthRecordsExpiredBefore: (cutoff) => execute(pool, deleteExpired, [cutoff]),
    async createOAuthClient(client) {
      await execute(pool, insertClient, [
        client.id,
        client.name,
        client.secretHash,
        client.redirectUris,
        client.scopes,
        client.firstParty,
        client.createdAt,
      ]);
    },
    async findOAuthClient(clientId) {
      const row = await queryFirst(pool, clientById, [clientId]);
      return row && toClient(row);
    },
    async updateOAuthClientRegistration(client) {
      const updated = await execute(pool, updateClient, [
        client.id,
        client.name,
        client.redirectUris,
        client.scopes,
        client.firstParty,
      ]);
      return updated > 0;
    },
    async saveOAuthConsent(consent) {
      await execute(pool, saveConsent, [consent.userId, consent.clientId, consent.scopes, consent.grantedAt]);
    },
    async findOAuthConsent(userId, clientId) {
      const row = await queryFirst(pool, consentOf, [userId, clientId]);
      return (
        row && {
          userId: row.user_id,
          clientId: row.client_id,
          scopes: row.scopes,
          grantedAt: Number(row.granted_at),
        }
      );
    },
  };
}
