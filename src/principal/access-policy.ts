import { type DescMethod, getOption, hasOption } from '@bufbuild/protobuf';
import { AuthError, insufficientPermissions } from '../errors/auth-error.ts';
import { access } from '../gen/semaswift/auth/v1/options_pb.js';
import type { Authenticator } from './authenticator.ts';
import type { CredentialSource, Principal } from './principal.ts';

export interface ResolvedRule {
  public: boolean;
  permissions: readonly string[];
}

/** The `(semaswift.auth.v1.access)` rule an RPC declares, or undefined when it declares none. */
export const declaredAccessRule = (method: DescMethod): ResolvedRule | undefined =>
  hasOption(method, access) ? getOption(method, access) : undefined;

/** Checks a call against the `(semaswift.auth.v1.access)` option declared on its RPC. */
export type CallGuard = (method: DescMethod, source: CredentialSource) => Promise<Principal | undefined>;

/**
 * Enforces each RPC's declared access rule, for every transport: public methods pass without a
 * credential; the others need a valid credential holding every listed permission. A method with no
 * rule is refused to everyone (deny by default).
 */
export function createCallGuard(
  authenticate: Authenticator,
  options: {
    publicMethods?: readonly DescMethod[];
    /**
     * For OAuth access tokens (issued to a client, with `client_id`), on a method open to any
     * credential: the permissions the token must carry, or undefined when such tokens may not call
     * it. A third-party app acting for a user gets only what its scopes name.
     */
    delegatedAccess?: (method: DescMethod) => readonly string[] | undefined;
  } = {},
): CallGuard {
  const rules = new Map<DescMethod, ResolvedRule | null>();
  // Third-party services we serve (grpc.health.v1) cannot carry our option: they are listed here.
  for (const method of options.publicMethods ?? []) rules.set(method, { public: true, permissions: [] });
  const ruleOf = (method: DescMethod): ResolvedRule | null => {
    let rule = rules.get(method);
    if (rule === undefined) {
      rule = declaredAccessRule(method) ?? null;
      rules.set(method, rule);
    }
    return rule;
  };

  return async (method, source) => {
    const rule = ruleOf(method);
    if (rule === null) throw new AuthError('INSUFFICIENT_PERMISSIONS', 'This call is not open to anyone.');
    if (rule.public) return undefined;
    const principal = await authenticate(source);
    let needed = rule.permissions;
    if (principal.clientId !== undefined && needed.length === 0 && options.delegatedAccess) {
      const delegated = options.delegatedAccess(method);
      if (delegated === undefined) {
        throw new AuthError('INSUFFICIENT_PERMISSIONS', 'OAuth access tokens cannot make this call.');
      }
      needed = delegated;
    }
    const missing = needed.filter((p) => !principal.permissions.includes(p));
    if (missing.length > 0) throw insufficientPermissions(missing);
    return principal;
  };
}
