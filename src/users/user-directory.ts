import type { PasswordHasher } from '../auth/password-hasher.ts';
import { MAX_PASSWORD_LENGTH } from '../auth/password-hasher.ts';
import { AuthError, insufficientPermissions, invalidArgument } from '../errors/auth-error.ts';
import { newId } from '../ids/new-id.ts';
import type { OrganizationRecord, Store, UserRecord } from '../storage/store.ts';
import { normalizeEmail } from './email.ts';
import { isKnownRole, permissionsOf } from './roles.ts';

export const MIN_PASSWORD_LENGTH = 8;

export interface NewUser {
  organizationId: string;
  email: string;
  password: string;
  name?: string;
  roles?: string[];
}

/** Who is asking, as far as managing users goes. */
export interface Caller {
  userId: string;
  organizationId: string;
  permissions: readonly string[];
}

export interface UserDirectory {
  /**
   * Creates a user. With `grantedBy` (the permissions of the caller), the new roles may grant no
   * permission the caller lacks. Throws INVALID_ARGUMENT, INSUFFICIENT_PERMISSIONS or ALREADY_EXISTS.
   */
  createUser(init: NewUser, grantedBy?: readonly string[]): Promise<UserRecord>;
  /** Finds an organization by id (`org_…`) or name, creating it by name when `create` is set. */
  resolveOrganization(nameOrId: string, create: boolean): Promise<OrganizationRecord>;
  listUsers(organizationId: string): Promise<UserRecord[]>;
  /** Changes a user of the caller's organization (see UserService.UpdateUser for the rules). */
  updateUser(
    caller: Caller,
    userId: string,
    changes: { name?: string; roles?: string[] },
  ): Promise<UserRecord>;
  /** Removes a user of the caller's organization, with their sessions and PATs. */
  deleteUser(caller: Caller, userId: string): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
}

export function createUserDirectory(deps: {
  store: Store;
  hasher: PasswordHasher;
  /** Told after a user's roles change or the user is removed: caches of their PATs must go. */
  onUserChanged?: (userId: string, change: { removed: boolean }) => void;
}): UserDirectory {
  const { store, hasher } = deps;

  /** The target, when it is in the caller's organization and has no permission the caller lacks. */
  async function manageable(caller: Caller, userId: string): Promise<UserRecord> {
    const user = await store.findUserById(userId);
    if (!user || user.organizationId !== caller.organizationId)
      throw new AuthError('NOT_FOUND', 'No such user.');
    assertGrantable(caller, user.roles);
    return user;
  }
  const now = () => Math.floor(Date.now() / 1000);

  return {
    async createUser(init, grantedBy) {
      const { email, emailKey } = normalizeEmail(init.email);
      const roles = [...new Set(init.roles?.length ? init.roles : ['agent'])];
      const unknown = roles.filter((role) => !isKnownRole(role));
      if (unknown.length > 0)
        throw invalidArgument(`Unknown role: ${unknown.join(', ')}. Roles: admin, agent.`);
      if (grantedBy) {
        const missing = permissionsOf(roles).filter((p) => !grantedBy.includes(p));
        if (missing.length > 0) throw insufficientPermissions(missing);
      }
      validatePassword(init.password);
      const user: UserRecord = {
        id: newId('usr'),
        organizationId: init.organizationId,
        email,
        emailKey,
        name: (init.name ?? '').normalize('NFC').trim(),
        passwordHash: await hasher.hash(init.password),
        roles,
        createdAt: now(),
      };
      if (!(await store.createUser(user))) {
        throw new AuthError('ALREADY_EXISTS', 'A user with this email already exists.');
      }
      return user;
    },
    async resolveOrganization(nameOrId, create) {
      const key = nameOrId.trim();
      if (!key) throw invalidArgument('An organization name or id is required.');
      const found = key.startsWith('org_')
        ? await store.findOrganizationById(key)
        : await store.findOrganizationByName(key);
      if (found) return found;
      if (!create || key.startsWith('org_')) throw new AuthError('NOT_FOUND', `No organization "${key}".`);
      return store.ensureOrganization({ id: newId('org'), name: key, createdAt: now() });
    },
    listUsers: (organizationId) => store.listUsersByOrganization(organizationId),
    async updateUser(caller, userId, changes) {
      await manageable(caller, userId);
      const roles = changes.roles === undefined ? undefined : [...new Set(changes.roles)];
      if (roles) {
        assertKnownRoles(roles);
        assertGrantable(caller, roles);
      }
      const name = changes.name?.normalize('NFC').trim();
      const updated = await store.updateUser(userId, {
        ...(name === undefined ? {} : { name }),
        ...(roles ? { roles } : {}),
      });
      if (!updated) throw new AuthError('NOT_FOUND', 'No such user.');
      deps.onUserChanged?.(userId, { removed: false });
      return updated;
    },
    async deleteUser(caller, userId) {
      if (userId === caller.userId) throw invalidArgument('You cannot remove yourself.');
      await manageable(caller, userId);
      await store.deleteUser(userId);
      deps.onUserChanged?.(userId, { removed: true });
    },
    getUser: (id) => store.findUserById(id),
  };
}

function assertKnownRoles(roles: readonly string[]): void {
  const unknown = roles.filter((role) => !isKnownRole(role));
  if (unknown.length > 0) throw invalidArgument(`Unknown role: ${unknown.join(', ')}. Roles: admin, agent.`);
}

/** A caller may only hand out, take away or act on permissions it holds itself. */
function assertGrantable(caller: Pick<Caller, 'permissions'>, roles: readonly string[]): void {
  const missing = permissionsOf(roles).filter((p) => !caller.permissions.includes(p));
  if (missing.length > 0) throw insufficientPermissions(missing);
}

function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw invalidArgument(`password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`);
  }
}
