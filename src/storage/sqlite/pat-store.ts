import type Database from 'better-sqlite3';
import type { AuditEvent, AuditStore } from '../../audit/audit-log.ts';
import type { PatRecord, PatStore } from '../../pats/pat-store.ts';

interface PatRow {
  id: string;
  user_id: string;
  organization_id: string;
  name: string;
  token_hash: string;
  token_hint: string;
  permissions: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

interface AuditRow {
  at: number;
  action: AuditEvent['action'];
  actor_user_id: string;
  organization_id: string;
  target_id: string;
  client_address: string;
  actor_credential: string;
}

const toPat = (row: PatRow): PatRecord => ({
  id: row.id,
  userId: row.user_id,
  organizationId: row.organization_id,
  name: row.name,
  tokenHash: row.token_hash,
  tokenHint: row.token_hint,
  permissions: row.permissions === null ? null : (JSON.parse(row.permissions) as string[]),
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

const toAudit = (row: AuditRow): AuditEvent => ({
  at: row.at,
  action: row.action,
  actorUserId: row.actor_user_id,
  organizationId: row.organization_id,
  targetId: row.target_id,
  clientAddress: row.client_address,
  actorCredential: row.actor_credential,
});

/** PATs and the audit log on SQLite. */
export function createSqlitePatStore(db: Database.Database): PatStore & AuditStore {
  const insert = db.prepare(
    `INSERT INTO pats (id, user_id, organization_id, name, token_hash, token_hint, permissions, created_at,
       expires_at, revoked_at, last_used_at)
     VALUES (@id, @user_id, @organization_id, @name, @token_hash, @token_hint, @permissions, @created_at,
       @expires_at, NULL, NULL)`,
  );
  const byHash = db.prepare<[string], PatRow>('SELECT * FROM pats WHERE token_hash = ?');
  const byId = db.prepare<[string], PatRow>('SELECT * FROM pats WHERE id = ?');
  const byUser = db.prepare<[string], PatRow>(
    'SELECT * FROM pats WHERE user_id = ? ORDER BY created_at DESC, id',
  );
  const byOrganization = db.prepare<[string], PatRow>(
    'SELECT * FROM pats WHERE organization_id = ? ORDER BY created_at DESC, id',
  );
  const revoke = db.prepare<[number, string]>(
    'UPDATE pats SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const touch = db.prepare<[number, string, number]>(
    'UPDATE pats SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  );
  const touchAll = db.transaction((uses: ReadonlyArray<{ id: string; at: number }>) => {
    for (const use of uses) touch.run(use.at, use.id, use.at);
  });
  const appendAudit = db.prepare(
    `INSERT INTO audit_events (at, action, actor_user_id, organization_id, target_id, client_address, actor_credential)
     VALUES (@at, @action, @actor_user_id, @organization_id, @target_id, @client_address, @actor_credential)`,
  );
  const auditByOrganization = db.prepare<[string, number], AuditRow>(
    'SELECT * FROM audit_events WHERE organization_id = ? ORDER BY seq DESC LIMIT ?',
  );

  return {
    async createPat(pat) {
      insert.run({
        id: pat.id,
        user_id: pat.userId,
        organization_id: pat.organizationId,
        name: pat.name,
        token_hash: pat.tokenHash,
        token_hint: pat.tokenHint,
        permissions: pat.permissions === null ? null : JSON.stringify(pat.permissions),
        created_at: pat.createdAt,
        expires_at: pat.expiresAt,
      });
    },
    async findPatByHash(tokenHash) {
      const row = byHash.get(tokenHash);
      return row && toPat(row);
    },
    async findPatById(id) {
      const row = byId.get(id);
      return row && toPat(row);
    },
    async listPatsByUser(userId) {
      return byUser.all(userId).map(toPat);
    },
    async listPatsByOrganization(organizationId) {
      return byOrganization.all(organizationId).map(toPat);
    },
    async revokePat(id, now) {
      revoke.run(now, id);
      const row = byId.get(id);
      return row && toPat(row);
    },
    async touchPats(uses) {
      touchAll.immediate(uses);
    },
    async appendAuditEvent(event) {
      appendAudit.run({
        at: event.at,
        action: event.action,
        actor_user_id: event.actorUserId,
        organization_id: event.organizationId,
        target_id: event.targetId,
        client_address: event.clientAddress,
        actor_credential: event.actorCredential,
      });
    },
    async listAuditEvents(organizationId, limit) {
      return auditByOrganization.all(organizationId, limit).map(toAudit);
    },
  };
}
