import type { ServiceImpl } from '@connectrpc/connect';
import { invalidArgument, tokenInvalid } from '../errors/auth-error.ts';
import type { UserService } from '../gen/semaswift/auth/v1/user_service_pb.js';
import type { UserRecord } from '../storage/store.ts';
import type { UserDirectory } from '../users/user-directory.ts';
import { principalOf } from './call-context.ts';
import { requireField } from './fields.ts';

/** The public view of a user: never the password hash. */
const userView = (user: UserRecord) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  organizationId: user.organizationId,
  roles: user.roles,
});

/** `semaswift.auth.v1.UserService`, always scoped to the caller's organization. */
export function createUserService(deps: { users: UserDirectory }): ServiceImpl<typeof UserService> {
  return {
    async listUsers(_request, context) {
      const users = await deps.users.listUsers(principalOf(context).organizationId);
      return { users: users.map(userView) };
    },
    async createUser(request, context) {
      const caller = principalOf(context);
      const user = await deps.users.createUser(
        {
          organizationId: caller.organizationId,
          email: requireField(request.email, 'email'),
          password: requireField(request.password, 'password'),
          name: request.name,
          roles: request.roles,
        },
        caller.permissions,
      );
      return userView(user);
    },
    async updateUser(request, context) {
      const roles = request.roles?.values.map((value) => {
        if (value.kind.case !== 'stringValue') throw invalidArgument('roles must be an array of role names.');
        return value.kind.value;
      });
      const user = await deps.users.updateUser(principalOf(context), requireField(request.id, 'id'), {
        ...(request.name === undefined ? {} : { name: request.name }),
        ...(roles === undefined ? {} : { roles }),
      });
      return userView(user);
    },
    async deleteUser(request, context) {
      await deps.users.deleteUser(principalOf(context), requireField(request.id, 'id'));
      return {};
    },
    async getMe(_request, context) {
      const user = await deps.users.getUser(principalOf(context).userId);
      if (!user) throw tokenInvalid('The account no longer exists.');
      return userView(user);
    },
  };
}
