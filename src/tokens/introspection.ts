import type { PatAuthenticator } from '../pats/pat-authenticator.ts';
import { looksLikePat } from '../pats/pat-format.ts';
import type { Principal } from '../principal/principal.ts';
import type { Store } from '../storage/store.ts';
import { refreshTokenHash } from './token-signer.ts';
import { isDelegated } from './token-types.ts';
import type { TokenVerifier } from './token-verifier.ts';

/** RFC 7662 §2.2, with our claims. Only `active` when the token is not active. */
export interface Introspection {
  active: boolean;
  sub?: string;
  iss?: string;
  aud?: string[];
  exp?: number;
  iat?: number;
  jti?: string;
  /** RFC 6749 §5.1's type, as RFC 7662 asks: what a resource server is shown. */
  token_type?: 'Bearer';
  /** What the token is; a refresh token is never a bearer credential for resources. */
  token_use?: 'access' | 'refresh' | 'pat';
  client_id?: string;
  organization_id?: string;
  roles?: string[];
  permissions?: string[];
  scope?: string;
}

export type Introspect = (token: string, caller: Principal) => Promise<Introspection>;

const INACTIVE: Introspection = { active: false };

/**
 * Introspects an access token, refresh token or PAT for a caller, who sees only tokens of its own
 * organization: any other token, and every invalid, expired, spent or revoked one, is inactive.
 */
export function createIntrospect(deps: {
  verifier: TokenVerifier;
  store: Store;
  /** The same PAT check as every entry point: a PAT is active exactly when it would be accepted. */
  patAuthenticator: Pick<PatAuthenticator, 'authenticate'>;
  /** The API audience: what a PAT, which carries none, is for. */
  audience: string;
  /** Whether the grant behind an OAuth access token still stands (a revoked one is inactive). */
  delegatedGrants?: { assertActive(grantId: string, userId: string): Promise<void> };
}): Introspect {
  const { verifier, store } = deps;
  async function grantStands(grantId: unknown, userId: string): Promise<boolean> {
    if (typeof grantId !== 'string') return false;
    if (!deps.delegatedGrants) return true;
    return deps.delegatedGrants.assertActive(grantId, userId).then(
      () => true,
      () => false,
    );
  }
  async function introspectPat(token: string, caller: Principal): Promise<Introspection> {
    const pat = await deps.patAuthenticator.authenticate(token).catch(() => undefined);
    if (!pat || pat.organizationId !== caller.organizationId) return INACTIVE;
    return {
      active: true,
      sub: pat.userId,
      aud: [deps.audience],
      exp: pat.expiresAt,
      jti: pat.credentialId,
      token_type: 'Bearer',
      token_use: 'pat',
      organization_id: pat.organizationId,
      roles: pat.roles,
      permissions: pat.permissions,
      scope: pat.permissions.join(' '),
    };
  }

  return async (token, caller) => {
    if (looksLikePat(token)) return introspectPat(token, caller);
    const access = await verifier.verifyAccessToken(token).catch(() => undefined);
    if (access) {
      if (access.organization_id !== caller.organizationId) return INACTIVE;
      if (isDelegated(access) && !(await grantStands(access.grant_id, access.sub))) return INACTIVE;
      return {
        active: true,
        sub: access.sub,
        iss: access.iss,
        aud: [access.aud].flat(),
        exp: access.exp,
        iat: access.iat,
        jti: access.jti,
        token_type: 'Bearer',
        token_use: 'access',
        ...(access.client_id ? { client_id: access.client_id } : {}),
        organization_id: access.organization_id,
        roles: access.roles,
        permissions: access.permissions,
        scope: access.scope ?? access.permissions.join(' '),
      };
    }
    const refresh = await verifier.verifyRefreshToken(token).catch(() => undefined);
    if (!refresh) return INACTIVE;
    const state = await store.findRefreshToken(refreshTokenHash(refresh.jti));
    if (!state || state.spentAt !== null || state.familyRevokedAt !== null) return INACTIVE;
    const user = await store.findUserById(refresh.sub);
    if (!user || user.organizationId !== caller.organizationId) return INACTIVE;
    return {
      active: true,
      sub: refresh.sub,
      iss: refresh.iss,
      aud: [refresh.aud].flat(),
      exp: refresh.exp,
      iat: refresh.iat,
      jti: refresh.jti,
      token_use: 'refresh',
      organization_id: user.organizationId,
    };
  };
}
