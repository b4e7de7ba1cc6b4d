import type Database from 'better-sqlite3';
import type { RefreshFamilyInit, RefreshRotation, Store } from '../store.ts';
import { type RefreshTokenRow, toRefreshTokenState } from './rows.ts';

/** The part of the store about refresh-token families. */
export type RefreshTokenStore = Pick<
  Store,
  'createRefreshFamily' | 'rotateRefreshToken' | 'findRefreshToken' | 'revokeRefreshFamily'
>;

interface NextToken {
  tokenHash: string;
  expiresAt: number;
}

/** Prepares the refresh-token statements once against `db`. */
export function createRefreshTokenStore(db: Database.Database): RefreshTokenStore {
  const insertFamily = db.prepare<[string, string, number]>(
    'INSERT INTO refresh_families (id, user_id, created_at, revoked_at) VALUES (?, ?, ?, NULL)',
  );
  const insertToken = db.prepare<[string, string, number]>(
    'INSERT INTO refresh_tokens (token_hash, family_id, expires_at, spent_at) VALUES (?, ?, ?, NULL)',
  );
  const tokenByHash = db.prepare<[string], RefreshTokenRow>(
    `SELECT t.family_id, f.user_id, t.expires_at, t.spent_at, f.revoked_at AS family_revoked_at
     FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
     WHERE t.token_hash = ?`,
  );
  const spendToken = db.prepare<[number, string]>(
    'UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL',
  );
  // Only the first revocation counts: a later logout must not move the recorded time.
  const revokeFamily = db.prepare<[number, string]>(
    'UPDATE refresh_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );

  const createFamily = db.transaction((init: RefreshFamilyInit) => {
    insertFamily.run(init.familyId, init.userId, init.createdAt);
    insertToken.run(init.tokenHash, init.familyId, init.tokenExpiresAt);
  });

  // Read, decide and write under one write lock (BEGIN IMMEDIATE), so no second caller, in this
  // process or another, can spend the same token between our read and our write.
  const rotate = db.transaction((tokenHash: string, next: NextToken, now: number): RefreshRotation => {
    const token = tokenByHash.get(tokenHash);
    if (!token) return { outcome: 'unknown' };
    if (token.family_revoked_at !== null) return { outcome: 'revoked' };
    const { family_id: familyId, user_id: userId } = token;
    if (token.spent_at !== null) {
      revokeFamily.run(now, familyId);
      return { outcome: 'reused', familyId, userId };
    }
    if (token.expires_at <= now) return { outcome: 'expired' };
    spendToken.run(now, tokenHash);
    insertToken.run(next.tokenHash, familyId, next.expiresAt);
    return { outcome: 'rotated', familyId, userId };
  });

  return {
    async createRefreshFamily(init) {
      createFamily.immediate(init);
    },
    async rotateRefreshToken(tokenHash, next, now) {
      return rotate.immediate(tokenHash, next, now);
    },
    async findRefreshToken(tokenHash) {
      const row = tokenByHash.get(tokenHash);
      return row && toRefreshTokenState(row);
    },
    async revokeRefreshFamily(familyId, now) {
      revokeFamily.run(now, familyId);
    },
  };
}
