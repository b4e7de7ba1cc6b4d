import type { ServiceImpl } from '@connectrpc/connect';
import type { TokenService } from '../gen/semaswift/auth/v1/token_service_pb.js';
import type { Introspect } from '../tokens/introspection.ts';
import { noStore, principalOf } from './call-context.ts';
import { requireField } from './fields.ts';

/** `semaswift.auth.v1.TokenService`. */
export function createTokenService(deps: { introspect: Introspect }): ServiceImpl<typeof TokenService> {
  return {
    async introspect(request, context) {
      const result = await deps.introspect(requireField(request.token, 'token'), principalOf(context));
      // RFC 7662 §4: the answer describes a credential; no cache may keep it.
      noStore(context);
      return {
        active: result.active,
        sub: result.sub,
        iss: result.iss,
        aud: result.aud ?? [],
        exp: result.exp === undefined ? undefined : result.exp,
        iat: result.iat === undefined ? undefined : result.iat,
        jti: result.jti,
        tokenType: result.token_type,
        clientId: result.client_id,
        organizationId: result.organization_id,
        roles: result.roles ?? [],
        permissions: result.permissions ?? [],
        scope: result.scope,
        tokenUse: result.token_use,
      };
    },
  };
}
