import type Database from 'better-sqlite3';
import type { Store, UserChanges } from '../store.ts';
import { SELECT_USER } from './organization-user-store.ts';
import { toUserRecord, type UserRow } from './rows.ts';

/** Changing and removing users on SQLite. */
export function createSqliteUserAdminStore(db: Database.Database): Pick<Store, 'updateUser' | 'deleteUser'> {
  const setName = db.prepare<[string, string]>('UPDATE users SET name = ? WHERE id = ?');
  const clearRoles = db.prepare<[string]>('DELETE FROM user_roles WHERE user_id = ?');
  const insertRole = db.prepare<[string, string, number]>(
    'INSERT INTO user_roles (user_id, role, position) VALUES (?, ?, ?)',
  );
  const exists = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE id = ?');
  const userById = db.prepare<[string], UserRow>(`${SELECT_USER} WHERE u.id = ?`);
  const remove = db.prepare<[string]>('DELETE FROM users WHERE id = ?');

  const update = db.transaction((userId: string, changes: UserChanges) => {
    if (!exists.get(userId)) return undefined;
    if (changes.name !== undefined) setName.run(changes.name, userId);
    if (changes.roles !== undefined) {
      clearRoles.run(userId);
      [...new Set(changes.roles)].forEach((role, position) => {
        insertRole.run(userId, role, position);
      });
    }
    const row = userById.get(userId);
    return row && toUserRecord(row);
  });

  return {
    async updateUser(userId, changes) {
      return update.immediate(userId, changes);
    },
    async deleteUser(userId) {
      // Roles, refresh families and PATs go with the user (ON DELETE CASCADE).
      return remove.run(userId).changes > 0;
    },
  };
}
