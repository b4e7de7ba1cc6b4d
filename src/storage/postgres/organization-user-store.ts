import type { Pool } from 'pg';
import type { Store } from '../store.ts';
import { type OrganizationRow, toOrganizationRecord, toUserRecord, type UserRow } from './rows.ts';
import { execute, isUniqueViolation, queryFirst, queryRows, statement, withTransaction } from './sql.ts';

/** The part of the store about organizations and their users. */
export type OrganizationUserStore = Pick<
  Store,
  | 'ensureOrganization'
  | 'findOrganizationById'
  | 'findOrganizationByName'
  | 'createUser'
  | 'findUserById'
  | 'findUserByEmailKey'
  | 'listUsersByOrganization'
  | 'updatePasswordHash'
>;

/** The constraint whose violation means "email taken" rather than a bug. */
const EMAIL_KEY_CONSTRAINT = 'users_email_key_unique';

const insertOrganizationIfAbsent = statement(
  'organization.insert-if-absent',
  `INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
);
const organizationById = statement<OrganizationRow>(
  'organization.by-id',
  'SELECT id, name, created_at FROM organizations WHERE id = $1',
);
const organizationByName = statement<OrganizationRow>(
  'organization.by-name',
  'SELECT id, name, created_at FROM organizations WHERE name = $1',
);

// Roles come back as one array per user, so a user is always a single row.
export const SELECT_USER = `
  SELECT u.id, u.organization_id, u.email, u.email_key, u.name, u.password_hash, u.created_at,
         ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.position) AS roles
  FROM users u`;

const insertUser = statement(
  'user.insert',
  `INSERT INTO users (id, organization_id, email, email_key, name, password_hash, created_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7)`,
);
const insertRoles = statement(
  'user.insert-roles',
  `INSERT INTO user_roles (user_id, role, position)
   SELECT $1, role, ordinality - 1 FROM unnest($2::text[]) WITH ORDINALITY AS given (role, ordinality)`,
);
const userById = statement<UserRow>('user.by-id', `${SELECT_USER} WHERE u.id = $1`);
const userByEmailKey = statement<UserRow>('user.by-email-key', `${SELECT_USER} WHERE u.email_key = $1`);
const usersByOrganization = statement<UserRow>(
  'user.by-organization',
  `${SELECT_USER} WHERE u.organization_id = $1 ORDER BY u.created_at, u.id`,
);
const setPasswordHash = statement(
  'user.set-password-hash',
  'UPDATE users SET password_hash = $2 WHERE id = $1',
);

/** Organizations and users on `pool`. */
export function createOrganizationUserStore(pool: Pool): OrganizationUserStore {
  return {
    // Two statements, deliberately not one: a single statement reads with the snapshot it started
    // with, so it could miss the row whose concurrent insert made ours a no-op. The select, run
    // afterwards, always sees it.
    async ensureOrganization(init) {
      await execute(pool, insertOrganizationIfAbsent, [init.id, init.name, init.createdAt]);
      const row = await queryFirst(pool, organizationByName, [init.name]);
      if (!row) throw new Error(`organization "${init.name}" vanished while being ensured`);
      return toOrganizationRecord(row);
    },
    async findOrganizationById(id) {
      const row = await queryFirst(pool, organizationById, [id]);
      return row && toOrganizationRecord(row);
    },
    async findOrganizationByName(name) {
      const row = await queryFirst(pool, organizationByName, [name]);
      return row && toOrganizationRecord(row);
    },
    async createUser(user) {
      try {
        await withTransaction(pool, async (client) => {
          await execute(client, insertUser, [
            user.id,
            user.organizationId,
            user.email,
            user.emailKey,
            user.name,
            user.passwordHash,
            user.createdAt,
          ]);
          // A role listed twice is kept once, at its first position.
          await execute(client, insertRoles, [user.id, [...new Set(user.roles)]]);
        });
        return true;
      } catch (error) {
        // Only the email key may collide quietly: a duplicate id or an unknown organization is a bug.
        if (isUniqueViolation(error, EMAIL_KEY_CONSTRAINT)) return false;
        throw error;
      }
    },
    async findUserById(id) {
      const row = await queryFirst(pool, userById, [id]);
      return row && toUserRecord(row);
    },
    async findUserByEmailKey(emailKey) {
      const row = await queryFirst(pool, userByEmailKey, [emailKey]);
      return row && toUserRecord(row);
    },
    async listUsersByOrganization(organizationId) {
      return (await queryRows(pool, usersByOrganization, [organizationId])).map(toUserRecord);
    },
    async updatePasswordHash(userId, passwordHash) {
      await execute(pool, setPasswordHash, [userId, passwordHash]);
    },
  };
}
