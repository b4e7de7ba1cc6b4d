import { PERMISSIONS, permissionsOf } from '../users/roles.ts';

/** The OpenID Connect scopes of CONTRACT §7. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** What a client may request when it was registered without `--scope`. */
export const DEFAULT_CLIENT_SCOPES: readonly string[] = OIDC_SCOPES;

/** Every scope a client may be registered for: the OIDC scopes and one per permission. */
export const KNOWN_SCOPES: readonly string[] = [...OIDC_SCOPES, ...PERMISSIONS];

/**
 * The resource indicator (RFC 8707) of our API. Clients may name it in `resource`, or leave it out:
 * it is the default. Its access tokens carry `aud` = `--audience`.
 */
export const API_RESOURCE = 'urn:semaswift:api';

/**
 * The scopes our API's access tokens can carry. The OIDC ones ride along so that the userinfo
 * endpoint, which takes our access tokens, knows which claims the user allowed.
 */
export const API_SCOPES: readonly string[] = ['openid', 'profile', 'email', ...PERMISSIONS];

/** CONTRACT §3: an OAuth access token's `permissions` are its permission scopes ∩ the user's. */
export function grantedPermissions(scopes: Iterable<string>, roles: readonly string[]): string[] {
  const requested = new Set(scopes);
  return permissionsOf(roles).filter((permission) => requested.has(permission));
}

/**
 * Of `scopes`, those the user may be granted now: the permission scopes the roles hold, and every
 * other scope (OIDC scopes are about the user, not permissions).
 */
export function scopesHeldBy(scopes: readonly string[], roles: readonly string[]): string[] {
  const permissions = new Set<string>(PERMISSIONS);
  const held = new Set<string>(permissionsOf(roles));
  return scopes.filter((scope) => !permissions.has(scope) || held.has(scope));
}
