import type { Pool } from 'pg';
import type { AuditStore } from '../../audit/audit-log.ts';
import type { PatStore } from '../../pats/pat-store.ts';
import { type AuditRow, type PatRow, toAuditEvent, toPatRecord } from './rows.ts';
import { execute, queryFirst, queryRows, statement, withTransaction } from './sql.ts';

const PAT_COLUMNS = `id, user_id, organization_id, name, token_hash, token_hint, permissions, created_at,
  expires_at, revoked_at, last_used_at`;

const insertPat = statement(
  'pat.insert',
  `INSERT INTO pats (${PAT_COLUMNS})
   VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, NULL, NULL)`,
);
const patByHash = statement<PatRow>('pat.by-hash', `SELECT ${PAT_COLUMNS} FROM pats WHERE token_hash = $1`);
const patById = statement<PatRow>('pat.by-id', `SELECT ${PAT_COLUMNS} FROM pats WHERE id = $1`);
const patsByUser = statement<PatRow>(
  'pat.by-user',
  `SELECT ${PAT_COLUMNS} FROM pats WHERE user_id = $1 ORDER BY created_at DESC, id`,
);
const patsByOrganization = statement<PatRow>(
  'pat.by-organization',
  `SELECT ${PAT_COLUMNS} FROM pats WHERE organization_id = $1 ORDER BY created_at DESC, id`,
);
// One statement both revokes (keeping an earlier time) and reads the row back as it now is.
const revokePat = statement<PatRow>(
  'pat.revoke',
  `UPDATE pats SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${PAT_COLUMNS}`,
);
// Row locks taken in id order: two replicas flushing overlapping batches then queue instead of
// deadlocking (an UPDATE … FROM locks in whatever order its plan visits rows).
const lockPatsInOrder = statement(
  'pat.lock-for-touch',
  'SELECT id FROM pats WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
);
const touchPats = statement(
  'pat.touch',
  `UPDATE pats p SET last_used_at = u.at
   FROM (SELECT id, max(at) AS at FROM unnest($1::text[], $2::bigint[]) AS given (id, at) GROUP BY id) u
   WHERE p.id = u.id AND (p.last_used_at IS NULL OR p.last_used_at < u.at)`,
);
const appendAudit = statement(
  'audit.append',
  `INSERT INTO audit_events (at, action, actor_user_id, organization_id, target_id, client_address,
     actor_credential)
   VALUES ($1, $2, $3, $4, $5, $6, $7)`,
);
const auditByOrganization = statement<AuditRow>(
  'audit.by-organization',
  `SELECT at, action, actor_user_id, organization_id, target_id, client_address, actor_credential
   FROM audit_events WHERE organization_id = $1 ORDER BY seq DESC LIMIT $2`,
);

/** PATs and the audit log on `pool`. */
export function createPostgresPatStore(pool: Pool): PatStore & AuditStore {
  return {
    async createPat(pat) {
      await execute(pool, insertPat, [
        pat.id,
        pat.userId,
        pat.organizationId,
        pat.name,
        pat.tokenHash,
        pat.tokenHint,
        pat.permissions,
        pat.createdAt,
        pat.expiresAt,
      ]);
    },
    async findPatByHash(tokenHash) {
      const row = await queryFirst(pool, patByHash, [tokenHash]);
      return row && toPatRecord(row);
    },
    async findPatById(id) {
      const row = await queryFirst(pool, patById, [id]);
      return row && toPatRecord(row);
    },
    async listPatsByUser(userId) {
      return (await queryRows(pool, patsByUser, [userId])).map(toPatRecord);
    },
    async listPatsByOrganization(organizationId) {
      return (await queryRows(pool, patsByOrganization, [organizationId])).map(toPatRecord);
    },
    async revokePat(id, now) {
      const row = await queryFirst(pool, revokePat, [id, now]);
      return row && toPatRecord(row);
    },
    async touchPats(uses) {
      if (uses.length === 0) return;
      const ids = uses.map((use) => use.id);
      await withTransaction(pool, async (client) => {
        await execute(client, lockPatsInOrder, [ids]);
        await execute(client, touchPats, [ids, uses.map((use) => use.at)]);
      });
    },
    async appendAuditEvent(event) {
      await execute(pool, appendAudit, [
        event.at,
        event.action,
        event.actorUserId,
        event.organizationId,
        event.targetId,
        event.clientAddress,
        event.actorCredential,
      ]);
    },
    async listAuditEvents(organizationId, limit) {
      return (await queryRows(pool, auditByOrganization, [organizationId, limit])).map(toAuditEvent);
    },
  };
}
