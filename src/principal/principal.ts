/** Who is calling, as every entry point sees it once the credential is verified. */
export interface Principal {
  userId: string;
  organizationId: string;
  roles: string[];
  permissions: string[];
  authMethod: 'jwt' | 'pat';
  /** The access token's jti, or the PAT's id. */
  credentialId: string;
  /** When the credential stops being valid, epoch seconds. */
  expiresAt: number;
  clientId?: string;
  /** For an OAuth access token, the scopes the user granted the client. */
  scopes?: string[];
  /** The credential's audiences (`aud`); absent for PATs, which are for this API only. */
  audiences?: string[];
}

/** The parts of a request that can carry a credential, whatever the transport. */
export interface CredentialSource {
  /** The `authorization` header. */
  authorization?: string | null;
  /** The `x-api-key` header. */
  apiKey?: string | null;
  /** The request's path and query (`/api/v1/users?x=1`), checked so no credential rides in a URL. */
  pathAndQuery?: string;
  /** A credential header the request carried more than once (refused: which one counts?). */
  repeatedHeader?: string | undefined;
}
