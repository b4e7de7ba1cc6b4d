import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AccessTokenClaims } from '../tokens/token-types.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import type { GrantLiveness } from './grant-liveness.ts';

export interface JwtTokenEndpointDeps {
  verifier: Pick<TokenVerifier, 'verifyAccessToken'>;
  liveness: Pick<GrantLiveness, 'assertActive' | 'markRevoked'>;
  revokeGrant: (grantId: string) => Promise<void>;
}

/**
 * Our access tokens are JWTs, which oidc-provider's introspection and revocation endpoints refuse
 * (`unsupported_token_type`) after authenticating the client. This middleware takes over exactly
 * then: the client is authenticated, the token is one of ours. Introspection (RFC 7662) answers
 * from the verified claims; revocation (RFC 7009) revokes the token's grant, the only way to stop a
 * JWT before it expires (its refresh tokens go with it). A client sees and revokes only tokens
 * issued to itself; anything else is inactive, or silently ignored.
 */
export function createJwtTokenEndpoints(deps: JwtTokenEndpointDeps) {
  async function ownToken(ctx: KoaContextWithOIDC): Promise<AccessTokenClaims | undefined> {
    const token = ctx.oidc.params?.token;
    if (typeof token !== 'string') return undefined;
    const claims = await deps.verifier.verifyAccessToken(token).catch(() => undefined);
    if (!claims || claims.client_id === undefined || claims.client_id !== ctx.oidc.client?.clientId) {
      return undefined;
    }
    return claims;
  }

  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const route = ctx.oidc?.route;
    const refused = (ctx.body as { error?: unknown } | undefined)?.error === 'unsupported_token_type';
    if ((route !== 'introspection' && route !== 'revocation') || !refused || !ctx.oidc.client) return;
    const claims = await ownToken(ctx);
    ctx.status = 200;
    ctx.remove('www-authenticate');
    if (route === 'revocation') {
      if (claims?.grant_id) {
        await deps.revokeGrant(claims.grant_id);
        deps.liveness.markRevoked(claims.grant_id);
      }
      ctx.body = '';
      return;
    }
    const active =
      claims?.grant_id !== undefined && (await isActive(deps.liveness, claims.grant_id, claims.sub));
    ctx.body = active && claims ? introspectionOf(claims) : { active: false };
  };
}

async function isActive(
  liveness: Pick<GrantLiveness, 'assertActive'>,
  grantId: string,
  userId: string,
): Promise<boolean> {
  return liveness.assertActive(grantId, userId).then(
    () => true,
    () => false,
  );
}

function introspectionOf(claims: AccessTokenClaims): Record<string, unknown> {
  return {
    active: true,
    token_type: 'Bearer',
    iss: claims.iss,
    sub: claims.sub,
    aud: claims.aud,
    client_id: claims.client_id,
    scope: claims.scope,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    organization_id: claims.organization_id,
    roles: claims.roles,
    permissions: claims.permissions,
  };
}
