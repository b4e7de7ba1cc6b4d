/**
 * The storage seam: everything the domain keeps, shaped by what the domain asks of it. Every
 * backend (one folder each: `sqlite/`, later `postgres/`) implements it and passes the shared suite
 * in `test/storage/`. Methods are asynchronous even where a backend is not, so a new backend needs
 * no change outside its folder. Operations that must be atomic are single calls.
 *
 * Times are Unix epoch seconds. Tokens are never stored: only their SHA-256 (or keyed) hashes.
 * Parts that belong to one domain are declared beside it (`PatStore` in `src/pats/`) and joined here.
 */

import type { AuditStore } from '../audit/audit-log.ts';
import type { MfaStore } from '../mfa/mfa-store.ts';
import type { OAuthStore } from '../oauth/oauth-store.ts';
import type { PatStore } from '../pats/pat-store.ts';
import type { StoreEvents } from './store-events.ts';

export interface OrganizationRecord {
  id: string;
  name: string;
  createdAt: number;
}

export interface UserRecord {
  id: string;
  organizationId: string;
  /** As the user typed it (NFC-normalised). */
  email: string;
  /** The uniqueness key: NFC-normalised, lower-cased. Unique across the whole service. */
  emailKey: string;
  name: string;
  /** An argon2id PHC string. */
  passwordHash: string;
  roles: string[];
  createdAt: number;
}

export interface UserChanges {
  name?: string;
  roles?: string[];
}

export interface SigningKeyRecord {
  kid: string;
  /** Always "RS256" today; stored so another algorithm can join later. */
  alg: string;
  /** PKCS#8 PEM. Never leaves the server. */
  privateKeyPem: string;
  /** The public JWK (kty, n, e), without kid/alg/use, which are added when served. */
  publicJwk: Record<string, unknown>;
  createdAt: number;
  /** When it stopped signing; null for the active key. It stays published until `retireAfter`. */
  retiredAt: number | null;
}

export interface RefreshFamilyInit {
  familyId: string;
  userId: string;
  /** Hash of the first refresh token's jti. */
  tokenHash: string;
  tokenExpiresAt: number;
  createdAt: number;
}

/** What rotating (spending) a refresh token found; only `rotated` issued the new token. */
export type RefreshRotation =
  | { outcome: 'rotated'; familyId: string; userId: string }
  /** The token had been spent already: the whole family is now revoked (reuse detection). */
  | { outcome: 'reused'; familyId: string; userId: string }
  /** The family was revoked earlier (logout, or reuse detected before). */
  | { outcome: 'revoked' }
  | { outcome: 'expired' }
  | { outcome: 'unknown' };

export interface RefreshTokenState {
  familyId: string;
  userId: string;
  expiresAt: number;
  spentAt: number | null;
  familyRevokedAt: number | null;
}

/**
 * Calls reject with `StorageUnavailableError` (a 503, never an answer) while the database is out of
 * reach; the change feed (`publish`/`subscribe`, `store-events.ts`) tells caches what changed.
 */
export interface Store extends PatStore, AuditStore, StoreEvents, MfaStore, OAuthStore {
  // Organizations
  /** Finds an organization by exact name, or creates it (atomic: two callers get the same one). */
  ensureOrganization(init: OrganizationRecord): Promise<OrganizationRecord>;
  findOrganizationById(id: string): Promise<OrganizationRecord | undefined>;
  findOrganizationByName(name: string): Promise<OrganizationRecord | undefined>;

  // Users
  /** Inserts a user; resolves `false` when the email key is taken (nothing written). */
  createUser(user: UserRecord): Promise<boolean>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  findUserByEmailKey(emailKey: string): Promise<UserRecord | undefined>;
  listUsersByOrganization(organizationId: string): Promise<UserRecord[]>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** Changes a user's name and/or roles (roles replaced whole, in the given order). */
  updateUser(userId: string, changes: UserChanges): Promise<UserRecord | undefined>;
  /** Deletes a user with everything that is theirs (roles, sessions, PATs); false when unknown. */
  deleteUser(userId: string): Promise<boolean>;

  // Signing keys
  /** Every key still on record (active first, then by newest). */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Makes `key` the active signing key and retires every other active key at `key.createdAt`. */
  rotateSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Forgets keys retired before `cutoff` (nothing they signed can still be valid). */
  deleteSigningKeysRetiredBefore(cutoff: number): Promise<void>;

  // Refresh-token families
  createRefreshFamily(init: RefreshFamilyInit): Promise<void>;
  /**
   * Spends the refresh token `tokenHash` and records `next` in its family, atomically: of two
   * concurrent calls with the same token exactly one rotates; the other sees it spent, which
   * revokes the family.
   */
  rotateRefreshToken(
    tokenHash: string,
    next: { tokenHash: string; expiresAt: number },
    now: number,
  ): Promise<RefreshRotation>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenState | undefined>;
  /** Revokes a family (idempotent). */
  revokeRefreshFamily(familyId: string, now: number): Promise<void>;

  /** Releases connections and files. */
  close(): Promise<void>;
}
