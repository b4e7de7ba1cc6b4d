import { credentialRequired, tokenInvalid } from '../errors/auth-error.ts';
import type { PatAuthenticator } from '../pats/pat-authenticator.ts';
import { looksLikePat } from '../pats/pat-format.ts';
import { type AccessTokenClaims, isDelegated } from '../tokens/token-types.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import type { CredentialSource, Principal } from './principal.ts';
import type { RemovedUsers } from './removed-users.ts';

/** Query parameters that carry credentials in other APIs (RFC 6750 §2.3 and common API-key names). */
const CREDENTIAL_PARAMS = new Set(['access_token', 'api_key', 'apikey', 'x-api-key', 'token', 'pat']);
/** A value shaped like one of our credentials: a JWT or a PAT. */
const CREDENTIAL_SHAPE = /^(eyJ[\w-]*\.[\w-]*\.[\w-]*|pat_(live|test)_\w+)$/;

export type Authenticator = (source: CredentialSource) => Promise<Principal>;

/**
 * The one function from a credential to a principal, used by every entry point (REST,
 * Connect/gRPC, ext_authz). Throws TOKEN_INVALID or TOKEN_EXPIRED.
 */
export function createAuthenticator(deps: {
  tokenVerifier: TokenVerifier;
  patAuthenticator?: PatAuthenticator;
  /** Whether the grant behind an OAuth access token (one with `client_id`) still stands. */
  delegatedGrants?: { assertActive(grantId: string, userId: string): Promise<void> };
  /** Users removed while their access tokens may still live: those tokens are refused. */
  removedUsers?: Pick<RemovedUsers, 'has'>;
}): Authenticator {
  // A cached token's claims are one frozen object: its principal is built once, and is one object
  // too, which lets the ext_authz port cache the answer it serialises for that principal.
  const principals = new WeakMap<AccessTokenClaims, Principal>();
  return async (source) => {
    refuseCredentialInUrl(source.pathAndQuery);
    const token = extractCredential(source);
    if (looksLikePat(token)) {
      if (!deps.patAuthenticator) throw tokenInvalid('Personal access tokens are not accepted here.');
      return deps.patAuthenticator.authenticate(token);
    }
    const claims = await deps.tokenVerifier.verifyAccessToken(token);
    if (deps.removedUsers?.has(claims.sub)) throw tokenInvalid('The account behind this token was removed.');
    // Checked on every use, not cached with the principal: a revoked grant takes its tokens down.
    const delegated = isDelegated(claims);
    if (delegated && deps.delegatedGrants) {
      if (typeof claims.grant_id !== 'string') throw tokenInvalid();
      await deps.delegatedGrants.assertActive(claims.grant_id, claims.sub);
    }
    const known = principals.get(claims);
    if (known) return known;
    const principal: Principal = {
      userId: claims.sub,
      organizationId: claims.organization_id,
      roles: claims.roles,
      permissions: claims.permissions,
      authMethod: 'jwt',
      credentialId: claims.jti,
      expiresAt: claims.exp,
      audiences: [claims.aud].flat(),
    };
    if (delegated) principal.clientId = claims.client_id;
    if (typeof claims.scope === 'string') principal.scopes = claims.scope.split(' ').filter(Boolean);
    Object.freeze(principal);
    principals.set(claims, principal);
    return principal;
  };
}

/** The bearer token or API key; both at once must agree, else the request is ambiguous. */
export function extractCredential(source: CredentialSource): string {
  if (source.repeatedHeader !== undefined) {
    throw tokenInvalid(`Send one credential: ${source.repeatedHeader} is repeated.`);
  }
  const bearer = parseBearer(source.authorization);
  const apiKey = source.apiKey?.trim() || undefined;
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) {
    throw tokenInvalid('Send one credential: Authorization and X-API-Key disagree.');
  }
  const token = bearer ?? apiKey;
  if (token === undefined) {
    throw credentialRequired();
  }
  // X-API-Key is for personal access tokens only: a JWT there is a mistake, not a credential.
  if (apiKey !== undefined && !looksLikePat(apiKey)) {
    throw tokenInvalid(
      'X-API-Key takes a personal access token (pat_...); send JWTs as Authorization: Bearer.',
    );
  }
  return token;
}

function parseBearer(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  if (!match?.[1]) throw tokenInvalid('The Authorization header must be "Bearer <token>".');
  return match[1];
}

function refuseCredentialInUrl(pathAndQuery: string | undefined): void {
  const queryStart = pathAndQuery?.indexOf('?') ?? -1;
  if (pathAndQuery === undefined || queryStart < 0) return;
  for (const [name, value] of new URLSearchParams(pathAndQuery.slice(queryStart + 1))) {
    if (CREDENTIAL_PARAMS.has(name.toLowerCase()) || CREDENTIAL_SHAPE.test(value)) {
      throw tokenInvalid('Credentials are never accepted in the URL; send them in a header.');
    }
  }
}
