/** Every permission the service knows, `resource:action`. */
export const PERMISSIONS = [
  'user:read',
  'user:write',
  'ticket:read',
  'ticket:write',
  'pat:read',
  'pat:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The built-in roles, present in every organization (CONTRACT §3). */
export const ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  admin: PERMISSIONS,
  agent: ['user:read', 'ticket:read', 'ticket:write'],
};

export const isKnownRole = (role: string): boolean => Object.hasOwn(ROLE_PERMISSIONS, role);

/** The union of the roles' permissions, in the canonical order of PERMISSIONS. */
export function permissionsOf(roles: readonly string[]): Permission[] {
  const granted = new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role] ?? []));
  return PERMISSIONS.filter((permission) => granted.has(permission));
}

/**
 * The user's roles whose every permission a narrower credential (an OAuth token, a PAT) carries.
 * A credential limited to `user:read` does not say `admin`, so a service that trusts roles cannot
 * be tricked into trusting it more than its permissions allow.
 */
export function coveredRoles(roles: readonly string[], permissions: readonly string[]): string[] {
  return roles.filter((role) => {
    const needed = ROLE_PERMISSIONS[role];
    return needed?.every((p) => permissions.includes(p)) === true;
  });
}
