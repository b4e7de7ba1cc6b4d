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
  requiredPermissions: string[];
  allowPat: boolean;
  audience: string | undefined;
}

export const DEFAULT_POLICY: RoutePolicy = Object.freeze({
  requiredPermissions: [],
  allowPat: true,
  audience: undefined,
});

export function routePolicyOf(extensions: Readonly<Record<string, string>>): RoutePolicy {
  const permissions = extensions.required_permissions;
  const allowPat = extensions.allow_pat;
  const audience = extensions.audience?.trim();
  if (permissions === undefined && allowPat === undefined && !audience) return DEFAULT_POLICY;
  return {
    requiredPermissions: (permissions ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    allowPat: allowPat === undefined || allowPat.trim().toLowerCase() === 'true',
    audience: audience || undefined,
  };
}
