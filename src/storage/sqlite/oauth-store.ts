import type Database from 'better-sqlite3';
import type {
  OAuthClientRecord,
  OAuthConsentRecord,
  OAuthRecord,
  OAuthStore,
} from '../../oauth/oauth-store.ts';

interface RecordRow {
  model: string;
  id_hash: string;
  grant_id: string | null;
  session_uid: string | null;
  account_id: string | null;
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

interface ClientRow {
  id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: string;
  scopes: string;
  first_party: number;
  created_at: number;
}

interface ConsentRow {
  user_id: string;
  client_id: string;
  scopes: string;
  granted_at: number;
}

const toRecord = (row: RecordRow): OAuthRecord => ({
  model: row.model,
  idHash: row.id_hash,
  grantId: row.grant_id,
  sessionUid: row.session_uid,
  accountId: row.account_id,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  expiresAt: row.expires_at,
  consumedAt: row.consumed_at,
});

const toClient = (row: ClientRow): OAuthClientRecord => ({
  id: row.id,
  name: row.name,
  secretHash: row.secret_hash,
  redirectUris: JSON.parse(row.redirect_uris) as string[],
  scopes: JSON.parse(row.scopes) as string[],
  firstParty: row.first_party === 1,
  createdAt: row.created_at,
});

const RECORD_COLUMNS = 'model, id_hash, grant_id, session_uid, account_id, payload, expires_at, consumed_at';

/** OAuth clients, consents and oidc-provider's artifacts on SQLite. */
export function createSqliteOAuthStore(db: Database.Database): OAuthStore {
  // consumed_at is left alone on conflict: a used code or token never becomes unused again.
  const upsert = db.prepare(
    `INSERT INTO oauth_records (${RECORD_COLUMNS})
     VALUES (@model, @id_hash, @grant_id, @session_uid, @account_id, @payload, @expires_at, NULL)
     ON CONFLICT (model, id_hash) DO UPDATE SET grant_id = excluded.grant_id,
       session_uid = excluded.session_uid, account_id = excluded.account_id,
       payload = excluded.payload, expires_at = excluded.expires_at`,
  );
  const byId = db.prepare<[string, string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM oauth_records WHERE model = ? AND id_hash = ?`,
  );
  const bySessionUid = db.prepare<[string, string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM oauth_records WHERE model = ? AND session_uid = ?`,
  );
  const consume = db.prepare<[number, string, string]>(
    'UPDATE oauth_records SET consumed_at = ? WHERE model = ? AND id_hash = ? AND consumed_at IS NULL',
  );
  const destroy = db.prepare<[string, string]>('DELETE FROM oauth_records WHERE model = ? AND id_hash = ?');
  const deleteOfGrant = db.prepare<[string, string]>(
    'DELETE FROM oauth_records WHERE model = ? AND grant_id = ?',
  );
  const revokeGrant = db.prepare<[string]>('DELETE FROM oauth_records WHERE grant_id = ?');
  const deleteExpired = db.prepare<[number]>('DELETE FROM oauth_records WHERE expires_at < ?');
  const insertClient = db.prepare(
    `INSERT INTO oauth_clients (id, name, secret_hash, redirect_uris, scopes, first_party, created_at)
     VALUES (@id, @name, @secret_hash, @redirect_uris, @scopes, @first_party, @created_at)`,
  );
  const updateClient = db.prepare(
    `UPDATE oauth_clients SET name = @name, redirect_uris = @redirect_uris, scopes = @scopes,
       first_party = @first_party WHERE id = @id`,
  );
  const clientById = db.prepare<[string], ClientRow>(
    'SELECT id, name, secret_hash, redirect_uris, scopes, first_party, created_at FROM oauth_clients WHERE id = ?',
  );
  const saveConsent = db.prepare(
    `INSERT INTO oauth_consents (user_id, client_id, scopes, granted_at)
     VALUES (@user_id, @client_id, @scopes, @granted_at)
     ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at`,
  );
  const consentOf = db.prepare<[string, string], ConsentRow>(
    'SELECT user_id, client_id, scopes, granted_at FROM oauth_consents WHERE user_id = ? AND client_id = ?',
  );

  return {
    async upsertOAuthRecord(record) {
      upsert.run({
        model: record.model,
        id_hash: record.idHash,
        grant_id: record.grantId,
        session_uid: record.sessionUid,
        account_id: record.accountId,
        payload: JSON.stringify(record.payload),
        expires_at: record.expiresAt,
      });
    },
    async findOAuthRecord(model, idHash) {
      const row = byId.get(model, idHash);
      return row && toRecord(row);
    },
    async findOAuthRecordBySessionUid(model, sessionUid) {
      const row = bySessionUid.get(model, sessionUid);
      return row && toRecord(row);
    },
    async consumeOAuthRecord(model, idHash, now) {
      return consume.run(now, model, idHash).changes === 1;
    },
    async destroyOAuthRecord(model, idHash) {
      destroy.run(model, idHash);
    },
    async deleteOAuthRecordsOfGrant(model, grantId) {
      deleteOfGrant.run(model, grantId);
    },
    async revokeOAuthGrant(grantId) {
      revokeGrant.run(grantId);
    },
    async deleteOAuthRecordsExpiredBefore(cutoff) {
      return deleteExpired.run(cutoff).changes;
    },
    async createOAuthClient(client) {
      insertClient.run({
        id: client.id,
        name: client.name,
        secret_hash: client.secretHash,
        redirect_uris: JSON.stringify(client.redirectUris),
        scopes: JSON.stringify(client.scopes),
        first_party: client.firstParty ? 1 : 0,
        created_at: client.createdAt,
      });
    },
    async findOAuthClient(clientId) {
      const row = clientById.get(clientId);
      return row && toClient(row);
    },
    async updateOAuthClientRegistration(client) {
      const result = updateClient.run({
        id: client.id,
        name: client.name,
        redirect_uris: JSON.stringify(client.redirectUris),
        scopes: JSON.stringify(client.scopes),
        first_party: client.firstParty ? 1 : 0,
      });
      return result.changes > 0;
    },
    async saveOAuthConsent(consent: OAuthConsentRecord) {
      saveConsent.run({
        user_id: consent.userId,
        client_id: consent.clientId,
        scopes: JSON.stringify(consent.scopes),
        granted_at: consent.grantedAt,
      });
    },
    async findOAuthConsent(userId, clientId) {
      const row = consentOf.get(userId, clientId);
      return (
        row && {
          userId: row.user_id,
          clientId: row.client_id,
          scopes: JSON.parse(row.scopes) as string[],
          grantedAt: row.granted_at,
        }
      );
    },
  };
}
