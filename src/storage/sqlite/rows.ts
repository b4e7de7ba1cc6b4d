import type { OrganizationRecord, RefreshTokenState, SigningKeyRecord, UserRecord } from '../store.ts';

/*
 * The shapes SQLite hands back, and the only place they become records: a renamed column is
 * fixed here and nowhere else.
 */

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: number;
}

export interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  email_key: string;
  name: string;
  password_hash: string;
  created_at: number;
  /** A JSON array of role names, in their stored order (aggregated by the query). */
  roles_json: string;
}

export interface SigningKeyRow {
  kid: string;
  alg: string;
  private_key_pem: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface RefreshTokenRow {
  family_id: string;
  user_id: string;
  expires_at: number;
  spent_at: number | null;
  family_revoked_at: number | null;
}

export const toOrganizationRecord = (row: OrganizationRow): OrganizationRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
});

export const toUserRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  organizationId: row.organization_id,
  email: row.email,
  emailKey: row.email_key,
  name: row.name,
  passwordHash: row.password_hash,
  roles: JSON.parse(row.roles_json) as string[],
  createdAt: row.created_at,
});

export const toSigningKeyRecord = (row: SigningKeyRow): SigningKeyRecord => ({
  kid: row.kid,
  alg: row.alg,
  privateKeyPem: row.private_key_pem,
  publicJwk: JSON.parse(row.public_jwk) as Record<string, unknown>,
  createdAt: row.created_at,
  retiredAt: row.retired_at,
});

export const toRefreshTokenState = (row: RefreshTokenRow): RefreshTokenState => ({
  familyId: row.family_id,
  userId: row.user_id,
  expiresAt: row.expires_at,
  spentAt: row.spent_at,
  familyRevokedAt: row.family_revoked_at,
});
