import type { AuditEvent } from '../../audit/audit-log.ts';
import type { MfaChallengeRecord, TotpRecord } from '../../mfa/mfa-store.ts';
import type { PatRecord } from '../../pats/pat-store.ts';
import type { OrganizationRecord, RefreshTokenState, SigningKeyRecord, UserRecord } from '../store.ts';

/*
 * The shapes pg hands back, and the only place they become records: a renamed column is fixed
 * here and nowhere else. pg returns bigint as a decimal string (it will not guess whether it fits
 * a JavaScript number), so every time column is converted here.
 */

/** A bigint column as pg returns it. */
type Int8 = string;

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: Int8;
}

export interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  email_key: string;
  name: string;
  password_hash: string;
  created_at: Int8;
  /** Role names in their stored order (aggregated by the query; empty, never null). */
  roles: string[];
}

export interface SigningKeyRow {
  kid: string;
  alg: string;
  private_key_pem: string;
  /** jsonb, parsed by pg. */
  public_jwk: Record<string, unknown>;
  created_at: Int8;
  retired_at: Int8 | null;
}

export interface RefreshTokenRow {
  family_id: string;
  user_id: string;
  expires_at: Int8;
  spent_at: Int8 | null;
  family_revoked_at: Int8 | null;
}

export interface PatRow {
  id: string;
  user_id: string;
  organization_id: string;
  name: string;
  token_hash: string;
  token_hint: string;
  permissions: string[] | null;
  created_at: Int8;
  expires_at: Int8;
  revoked_at: Int8 | null;
  last_used_at: Int8 | null;
}

export interface AuditRow {
  at: Int8;
  action: AuditEvent['action'];
  actor_user_id: string;
  organization_id: string;
  target_id: string;
  client_address: string;
  actor_credential: string;
}

/** Epoch seconds from a bigint column; refuses values a JavaScript number would round. */
export function toEpoch(value: Int8): number {
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds)) throw new Error(`stored time ${value} is out of range`);
  return seconds;
}

export const toEpochOrNull = (value: Int8 | null): number | null => (value === null ? null : toEpoch(value));

export const toOrganizationRecord = (row: OrganizationRow): OrganizationRecord => ({
  id: row.id,
  name: row.name,
  createdAt: toEpoch(row.created_at),
});

export const toUserRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  organizationId: row.organization_id,
  email: row.email,
  emailKey: row.email_key,
  name: row.name,
  passwordHash: row.password_hash,
  roles: row.roles,
  createdAt: toEpoch(row.created_at),
});

export const toSigningKeyRecord = (row: SigningKeyRow): SigningKeyRecord => ({
  kid: row.kid,
  alg: row.alg,
  privateKeyPem: row.private_key_pem,
  publicJwk: row.public_jwk,
  createdAt: toEpoch(row.created_at),
  retiredAt: toEpochOrNull(row.retired_at),
});

export const toRefreshTokenState = (row: RefreshTokenRow): RefreshTokenState => ({
  familyId: row.family_id,
  userId: row.user_id,
  expiresAt: toEpoch(row.expires_at),
  spentAt: toEpochOrNull(row.spent_at),
  familyRevokedAt: toEpochOrNull(row.family_revoked_at),
});

export const toPatRecord = (row: PatRow): PatRecord => ({
  id: row.id,
  userId: row.user_id,
  organizationId: row.organization_id,
  name: row.name,
  tokenHash: row.token_hash,
  tokenHint: row.token_hint,
  permissions: row.permissions,
  createdAt: toEpoch(row.created_at),
  expiresAt: toEpoch(row.expires_at),
  revokedAt: toEpochOrNull(row.revoked_at),
  lastUsedAt: toEpochOrNull(row.last_used_at),
});

export const toAuditEvent = (row: AuditRow): AuditEvent => ({
  at: toEpoch(row.at),
  action: row.action,
  actorUserId: row.actor_user_id,
  organizationId: row.organization_id,
  targetId: row.target_id,
  clientAddress: row.client_address,
  actorCredential: row.actor_credential,
});

export interface MfaChallengeRow {
  token_hash: string;
  user_id: string;
  created_at: Int8;
  expires_at: Int8;
  failures: number;
  spent_at: Int8 | null;
}

export interface TotpRow {
  user_id: string;
  secret_sealed: string;
  created_at: Int8;
  confirmed_at: Int8 | null;
  last_step: Int8 | null;
}

export interface SmsCodeRow {
  phone_number: string;
  code_hash: string;
  expires_at: Int8;
  resend_at: Int8;
  attempts: number;
}

export const toMfaChallengeRecord = (row: MfaChallengeRow): MfaChallengeRecord => ({
  tokenHash: row.token_hash,
  userId: row.user_id,
  createdAt: toEpoch(row.created_at),
  expiresAt: toEpoch(row.expires_at),
  failures: row.failures,
  spentAt: toEpochOrNull(row.spent_at),
});

export const toTotpRecord = (row: TotpRow): TotpRecord => ({
  userId: row.user_id,
  secretSealed: row.secret_sealed,
  createdAt: toEpoch(row.created_at),
  confirmedAt: toEpochOrNull(row.confirmed_at),
  lastStep: toEpochOrNull(row.last_step),
});
