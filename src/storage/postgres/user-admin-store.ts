import type { Pool } from 'pg';
import type { Store } from '../store.ts';
import { SELECT_USER } from './organization-user-store.ts';
import { toUserRecord, type UserRow } from './rows.ts';
import { execute, queryFirst, statement, withTransaction } from './sql.ts';

const lockUser = statement<{ id: string }>(
  'user-admin.lock',
  'SELECT id FROM users WHERE id = $1 FOR UPDATE',
);
const setName = statement('user-admin.set-name', 'UPDATE users SET name = $2 WHERE id = $1');
const clearRoles = statement('user-admin.clear-roles', 'DELETE FROM user_roles WHERE user_id = $1');
const insertRoles = statement(
  'user-admin.insert-roles',
  `INSERT INTO user_roles (user_id, role, position)
   SELECT $1, role, ordinality - 1 FROM unnest($2::text[]) WITH ORDINALITY AS given (role, ordinality)`,
);
const userById = statement<UserRow>('user-admin.by-id', `${SELECT_USER} WHERE u.id = $1`);
const removeUser = statement('user-admin.delete', 'DELETE FROM users WHERE id = $1');

/** Changing and removing users on PostgreSQL. */
export function createPostgresUserAdminStore(pool: Pool): Pick<Store, 'updateUser' | 'deleteUser'> {
  return {
    updateUser: (userId, changes) =>
      withTransaction(pool, async (client) => {
        if (!(await queryFirst(client, lockUser, [userId]))) return undefined;
        if (changes.name !== undefined) await execute(client, setName, [userId, changes.name]);
        if (changes.roles !== undefined) {
          await execute(client, clearRoles, [userId]);
          await execute(client, insertRoles, [userId, [...new Set(changes.roles)]]);
        }
        const row = await queryFirst(client, userById, [userId]);
        return row && toUserRecord(row);
      }),
    // Roles, refresh families and PATs go with the user (ON DELETE CASCADE).
    deleteUser: async (userId) => (await execute(pool, removeUser, [userId])) > 0,
  };
}
