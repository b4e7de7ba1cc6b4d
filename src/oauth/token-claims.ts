import { type Account, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Store, UserRecord } from '../storage/store.ts';
import { coveredRoles } from '../users/roles.ts';
import { grantedPermissions } from './scopes.ts';

type Users = Pick<Store, 'findUserById'>;

/**
 * The OpenID claims of a user that the granted scopes allow (OIDC Core §5.4). A claim without a
 * value is left out rather than sent empty (§5.3.2), in ID tokens and userinfo alike.
 */
export function userClaims(
  user: UserRecord,
  scopes: ReadonlySet<string>,
): { sub: string } & Record<string, unknown> {
  return {
    sub: user.id,
    ...(scopes.has('profile') && user.name !== '' ? { name: user.name } : {}),
    // Emails are not verified by this service, so `email_verified` is not claimed.
    ...(scopes.has('email') && user.email !== '' ? { email: user.email } : {}),
  };
}

/** oidc-provider's `findAccount`: our users, by id (`usr_…`). */
export function createFindAccount(users: Users) {
  return async (_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const user = await users.findUserById(sub);
    if (!user) return undefined;
    return {
      accountId: user.id,
      claims: async (_use, scope) => userClaims(user, new Set(scope.split(' '))),
    };
  };
}

/**
 * oidc-provider's `extraTokenClaims`: what turns its JWT access tokens into ours (CONTRACT §3).
 * `permissions` are the token's permission scopes ∩ the user's permissions now (refreshed tokens
 * follow role changes); `roles` only those the token fully carries; `amr` as the user signed in;
 * `grant_id` lets the authenticator refuse the token once its grant is revoked.
 */
export function createExtraTokenClaims(users: Users) {
  return async (
    ctx: KoaContextWithOIDC,
    token: { kind: string },
  ): Promise<Record<string, unknown> | undefined> => {
    if (token.kind !== 'AccessToken') return undefined;
    const accessToken = token as unknown as { accountId: string; grantId: string; scopes: Set<string> };
    const user = await users.findUserById(accessToken.accountId);
    if (!user) throw new errors.InvalidGrant('the account no longer exists');
    const permissions = grantedPermissions(accessToken.scopes, user.roles);
    const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
    return {
      organization_id: user.organizationId,
      roles: coveredRoles(user.roles, permissions),
      permissions,
      grant_id: accessToken.grantId,
      ...(source?.amr ? { amr: source.amr } : {}),
    };
  };
}
