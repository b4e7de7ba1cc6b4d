/** A PAT as stored: never the token, only its keyed hash and a display hint. */
export interface PatRecord {
  id: string;
  userId: string;
  organizationId: string;
  name: string;
  /** HMAC-SHA-256 of the token under the server secret, base64url. Unique. */
  tokenHash: string;
  tokenHint: string;
  /** The PAT's own permission list, or null for "all of the owner's, whatever they are at use". */
  permissions: string[] | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** What the PAT domain needs from storage. */
export interface PatStore {
  createPat(pat: PatRecord): Promise<void>;
  findPatByHash(tokenHash: string): Promise<PatRecord | undefined>;
  findPatById(id: string): Promise<PatRecord | undefined>;
  /** Newest first, revoked ones included (they show as revoked until they expire). */
  listPatsByUser(userId: string): Promise<PatRecord[]>;
  listPatsByOrganization(organizationId: string): Promise<PatRecord[]>;
  /** Revokes; resolves the record as it now is, or undefined when there is no such PAT. */
  revokePat(id: string, now: number): Promise<PatRecord | undefined>;
  /** Records last use, never moving a time backwards. One call for a batch: no write per request. */
  touchPats(uses: ReadonlyArray<{ id: string; at: number }>): Promise<void>;
}
