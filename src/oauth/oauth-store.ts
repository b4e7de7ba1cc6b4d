/**
 * What the OAuth 2.0 / OpenID Connect provider keeps. Joined into `Store` (src/storage/store.ts);
 * every backend implements it and passes `test/storage/cases/oauth-cases.ts`. Times are epoch
 * seconds.
 *
 * Records are oidc-provider's artifacts (codes, refresh tokens, grants, sessions, interactions),
 * stored by the SHA-256 of their id: for codes and tokens the id is the credential itself, so a
 * stolen database holds none. Client secrets are stored hashed, never in the clear.
 */

/** One oidc-provider artifact. */
export interface OAuthRecord {
  /** The oidc-provider model name: `AuthorizationCode`, `RefreshToken`, `Grant`, `Session`, … */
  model: string;
  /** SHA-256 of the artifact's id, base64url (see `oauthIdHash`). Unique per model. */
  idHash: string;
  /** The grant the artifact belongs to (for a `Grant`, its own id); revoking a grant removes them all. */
  grantId: string | null;
  /** A `Session`'s uid (oidc-provider looks sessions up by it). */
  sessionUid: string | null;
  /** The user it is about; removing the user removes the record. */
  accountId: string | null;
  /** oidc-provider's payload, without the id (`jti`), which may be the credential. */
  payload: Record<string, unknown>;
  /** null: no expiry. Expired records are still found (oidc-provider checks expiry itself). */
  expiresAt: number | null;
  /** When it was used up (codes, rotated refresh tokens); null while unused. */
  consumedAt: number | null;
}

/** A registered OAuth client. */
export interface OAuthClientRecord {
  /** `cli_` + random characters. */
  id: string;
  name: string;
  /** `sha256:` + base64url SHA-256 of the secret; null for a public client (PKCE instead). */
  secretHash: string | null;
  /** Matched exactly (RFC 9700 §2.1), in the order given. */
  redirectUris: string[];
  /** Every scope the client may request. */
  scopes: string[];
  /** First-party clients skip the consent page. */
  firstParty: boolean;
  createdAt: number;
}

/** What a user allowed a client, remembered so the consent page is shown once. */
export interface OAuthConsentRecord {
  userId: string;
  clientId: string;
  scopes: string[];
  grantedAt: number;
}

export interface OAuthStore {
  /** Inserts or replaces a record; a consumed record stays consumed. */
  upsertOAuthRecord(record: Omit<OAuthRecord, 'consumedAt'>): Promise<void>;
  findOAuthRecord(model: string, idHash: string): Promise<OAuthRecord | undefined>;
  findOAuthRecordBySessionUid(model: string, sessionUid: string): Promise<OAuthRecord | undefined>;
  /**
   * Atomic: marks the record used at `now` when it is not yet; true only for that first call. Of
   * two concurrent calls (any process, any replica) exactly one gets true.
   */
  consumeOAuthRecord(model: string, idHash: string, now: number): Promise<boolean>;
  destroyOAuthRecord(model: string, idHash: string): Promise<void>;
  /** Removes the records of one model that belong to `grantId`. */
  deleteOAuthRecordsOfGrant(model: string, grantId: string): Promise<void>;
  /** Removes every record of the grant, the grant itself included, in one step. */
  revokeOAuthGrant(grantId: string): Promise<void>;
  /** Forgets records that expired before `cutoff`; resolves how many. */
  deleteOAuthRecordsExpiredBefore(cutoff: number): Promise<number>;

  /** Registers a client; rejects when the id is taken. */
  createOAuthClient(client: OAuthClientRecord): Promise<void>;
  findOAuthClient(clientId: string): Promise<OAuthClientRecord | undefined>;
  /**
   * Replaces what a client may do (name, redirect URIs, scopes, first party); its id, secret and
   * creation time stay. Resolves false when there is no such client.
   */
  updateOAuthClientRegistration(
    client: Pick<OAuthClientRecord, 'id' | 'name' | 'redirectUris' | 'scopes' | 'firstParty'>,
  ): Promise<boolean>;

  /** Records (replacing) what the user allowed the client. */
  saveOAuthConsent(consent: OAuthConsentRecord): Promise<void>;
  findOAuthConsent(userId: string, clientId: string): Promise<OAuthConsentRecord | undefined>;
}
