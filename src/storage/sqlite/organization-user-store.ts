import type Database from 'better-sqlite3';
import type { OrganizationRecord, Store, UserRecord } from '../store.ts';
import { type OrganizationRow, toOrganizationRecord, toUserRecord, type UserRow } from './rows.ts';

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

// Roles come back as one JSON array per user, so a user is always a single row.
export const SELECT_USER = `
  SELECT u.id, u.organization_id, u.email, u.email_key, u.name, u.password_hash, u.created_at,
         (SELECT json_group_array(r.role ORDER BY r.position) FROM user_roles r WHERE r.user_id = u.id)
           AS roles_json
  FROM users u`;

/** Prepares the organization and user statements once against `db`. */
export function createOrganizationUserStore(db: Database.Database): OrganizationUserStore {
  const insertOrganization = db.prepare<OrganizationRecord>(
    `INSERT INTO organizations (id, name, created_at) VALUES (@id, @name, @createdAt)
     ON CONFLICT (name) DO NOTHING`,
  );
  const organizationById = db.prepare<[string], OrganizationRow>(
    'SELECT id, name, created_at FROM organizations WHERE id = ?',
  );
  const organizationByName = db.prepare<[string], OrganizationRow>(
    'SELECT id, name, created_at FROM organizations WHERE name = ?',
  );
  // Only the email key may collide quietly: a duplicate id or an unknown organization is a bug and throws.
  const insertUser = db.prepare<UserRecord>(
    `INSERT INTO users (id, organization_id, email, email_key, name, password_hash, created_at)
     VALUES (@id, @organizationId, @email, @emailKey, @name, @passwordHash, @createdAt)
     ON CONFLICT (email_key) DO NOTHING`,
  );
  const insertRole = db.prepare<[string, string, number]>(
    'INSERT INTO user_roles (user_id, role, position) VALUES (?, ?, ?)',
  );
  const userById = db.prepare<[string], UserRow>(`${SELECT_USER} WHERE u.id = ?`);
  const userByEmailKey = db.prepare<[string], UserRow>(`${SELECT_USER} WHERE u.email_key = ?`);
  const usersByOrganization = db.prepare<[string], UserRow>(
    `${SELECT_USER} WHERE u.organization_id = ? ORDER BY u.created_at, u.id`,
  );
  const setPasswordHash = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE id = ?');

  const ensureOrganization = db.transaction((init: OrganizationRecord): OrganizationRecord => {
    insertOrganization.run(init);
    const row = organizationByName.get(init.name);
    if (!row) throw new Error(`organization "${init.name}" vanished while being ensured`);
    return toOrganizationRecord(row);
  });

  const createUser = db.transaction((user: UserRecord): boolean => {
    if (insertUser.run(user).changes === 0) return false;
    // A role listed twice is kept once, at its first position.
    [...new Set(user.roles)].forEach((role, position) => {
      insertRole.run(user.id, role, position);
    });
    return true;
  });

  return {
    async ensureOrganization(init) {
      return ensureOrganization.immediate(init);
    },
    async findOrganizationById(id) {
      const row = organizationById.get(id);
      return row && toOrganizationRecord(row);
    },
    async findOrganizationByName(name) {
      const row = organizationByName.get(name);
      return row && toOrganizationRecord(row);
    },
    async createUser(user) {
      return createUser.immediate(user);
    },
    async findUserById(id) {
      const row = userById.get(id);
      return row && toUserRecord(row);
    },
    async findUserByEmailKey(emailKey) {
      const row = userByEmailKey.get(emailKey);
      return row && toUserRecord(row);
    },
    async listUsersByOrganization(organizationId) {
      return usersByOrganization.all(organizationId).map(toUserRecord);
    },
    async updatePasswordHash(userId, passwordHash) {
      setPasswordHash.run(passwordHash, userId);
    },
  };
}
