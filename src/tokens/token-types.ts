/**
 * The JOSE `typ` of each kind of token we sign. Verification checks it, so no kind of token is ever
 * accepted where another is expected (a refresh token is not an access token).
 */
export const TOKEN_TYP = {
  access: 'at+jwt',
  refresh: 'refresh+jwt',
} as const;

/**
 * The `client_id` of access tokens from our own sign-in API (login, refresh, MFA verify): RFC 9068
 * §2.2 requires the claim in every JWT access token, and these are issued to the service's own
 * first-party clients. No OAuth client can hold it (theirs are `cli_…` and `semaswift-dashboard`).
 */
export const FIRST_PARTY_CLIENT_ID = 'semaswift-auth';

/**
 * Whether an access token was issued to a third-party OAuth client, acting for a user: its scopes
 * limit it, and its grant must still stand.
 */
export const isDelegated = (claims: Pick<AccessTokenClaims, 'client_id'>): boolean =>
  claims.client_id !== undefined && claims.client_id !== FIRST_PARTY_CLIENT_ID;

/** Claims of an access token (RFC 9068 plus CONTRACT §3). */
export interface AccessTokenClaims {
  sub: string;
  iss: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  organization_id: string;
  roles: string[];
  permissions: string[];
  /** The refresh-token family (session) this token was issued in. */
  sid?: string;
  /** RFC 8176 authentication methods: `pwd`, `otp`, `sms`. */
  amr?: string[];
  /** Our sign-in API's tokens: FIRST_PARTY_CLIENT_ID; OAuth tokens: the client's id. */
  client_id?: string;
  /** OAuth tokens: the scopes granted (RFC 9068), space-separated. */
  scope?: string;
  /** OAuth tokens: the grant they were issued under; revoking it revokes them. */
  grant_id?: string;
}

/** Claims of a refresh token. Its audience is the issuer itself: it is only ever sent back to us. */
export interface RefreshTokenClaims {
  sub: string;
  iss: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  sid: string;
  /** Carried from sign-in so refreshed access tokens keep saying how the user authenticated. */
  amr?: string[];
}

/** What the access token says about who it was issued to. */
export interface AccessGrant {
  userId: string;
  organizationId: string;
  roles: string[];
  permissions: string[];
  familyId?: string;
  amr?: string[];
  clientId?: string;
}
