/**
 * What a route asks of a request, from the ext_authz filter's per-route `context_extensions`
 * (Envoy passes them verbatim). Unknown keys are ignored, so Envoy configs can carry their own.
 *
 * - `required_permissions`: comma-separated; the credential must hold every one (else 403).
 * - `allow_pat`: `false` refuses personal access tokens on this route (403).
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
    allowPat: allowPat?.trim().toLowerCase() !== 'false',
    audience: audience || undefined,
  };
}
