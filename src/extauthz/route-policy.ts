/**
 * What a route asks of a request, from the ext_authz filter's per-route `context_extensions`
 * (Envoy passes them verbatim). Unknown keys are ignored, so Envoy configs can carry their own.
 *
 * - `required_permissions`: comma-separated; the credential must hold every one (else 403).
 * - `allow_pat`: when present, only `true` (any case, spaces trimmed) lets personal access tokens
 *   through; any other value (`false`, `0`, `no`, a typo, empty) refuses them (403). A key someone
 *   wrote to restrict a route must never widen it because its value was misspelt.
 * - `audience`: the credential's audience must include it (else 403).
 */
export interface RoutePolicy {
  requiredPermissions: readonly string[];
  allowPat: boolean;
  audience: string | undefined;
}

export const DEFAULT_POLICY: RoutePolicy = Object.freeze({
  requiredPermissions: [],
  allowPat: true,
  audience: undefined,
});

/** Routes are few and their extensions fixed: each distinct one is parsed once. */
const MAX_REMEMBERED_POLICIES = 1024;
const remembered = new Map<string, RoutePolicy>();

export function routePolicyOf(extensions: Readonly<Record<string, string>>): RoutePolicy {
  const permissions = extensions.required_permissions;
  const allowPat = extensions.allow_pat;
  const audience = extensions.audience;
  if (permissions === undefined && allowPat === undefined && audience === undefined) return DEFAULT_POLICY;
  const key = JSON.stringify([permissions, allowPat, audience]);
  let policy = remembered.get(key);
  if (policy === undefined) {
    policy = parsePolicy(permissions, allowPat, audience);
    if (remembered.size >= MAX_REMEMBERED_POLICIES) remembered.clear();
    remembered.set(key, policy);
  }
  return policy;
}

function parsePolicy(
  permissions: string | undefined,
  allowPat: string | undefined,
  audience: string | undefined,
): RoutePolicy {
  return Object.freeze({
    requiredPermissions: (permissions ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    allowPat: allowPat === undefined || allowPat.trim().toLowerCase() === 'true',
    audience: audience?.trim() || undefined,
  });
}
