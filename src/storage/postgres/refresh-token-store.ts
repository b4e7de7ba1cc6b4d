import type { Pool } from 'pg';
import type { RefreshRotation, Store } from '../store.ts';
import { type RefreshTokenRow, toEpoch, toRefreshTokenState } from './rows.ts';
import { execute, queryFirst, statement, withTransaction } from './sql.ts';

/** The part of the store about refresh-token families. */
export type RefreshTokenStore = Pick<
  Store,
  'createRefreshFamily' | 'rotateRefreshToken' | 'findRefreshToken' | 'revokeRefreshFamily'
>;

const insertFamily = statement(
  'refresh.insert-family',
  'INSERT INTO refresh_families (id, user_id, created_at, revoked_at) VALUES ($1, $2, $3, NULL)',
);
const insertToken = statement(
  'refresh.insert-token',
  'INSERT INTO refresh_tokens (token_hash, family_id, expires_at, spent_at) VALUES ($1, $2, $3, NULL)',
);
const SELECT_TOKEN = `
  SELECT t.family_id, f.user_id, t.expires_at, t.spent_at, f.revoked_at AS family_revoked_at
  FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
  WHERE t.token_hash = $1`;
const tokenByHash = statement<RefreshTokenRow>('refresh.token-by-hash', SELECT_TOKEN);
// Locks the token row, then its family's (the order of the FOR UPDATE list): a second rotation of
// the same token waits here and then reads the row as the first one left it, spent.
const lockTokenByHash = statement<RefreshTokenRow>(
  'refresh.lock-token-by-hash',
  `${SELECT_TOKEN} FOR UPDATE OF t, f`,
);
const spendToken = statement(
  'refresh.spend-token',
  'UPDATE refresh_tokens SET spent_at = $2 WHERE token_hash = $1 AND spent_at IS NULL',
);
// Only the first revocation counts: a later logout must not move the recorded time.
const revokeFamily = statement(
  'refresh.revoke-family',
  'UPDATE refresh_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
);

/** Refresh-token families on `pool`. */
export function createRefreshTokenStore(pool: Pool): RefreshTokenStore {
  return {
    async createRefreshFamily(init) {
      await withTransaction(pool, async (client) => {
        await execute(client, insertFamily, [init.familyId, init.userId, init.createdAt]);
        await execute(client, insertToken, [init.tokenHash, init.familyId, init.tokenExpiresAt]);
      });
    },
    async rotateRefreshToken(tokenHash, next, now) {
      return withTransaction(pool, async (client): Promise<RefreshRotation> => {
        const token = await queryFirst(client, lockTokenByHash, [tokenHash]);
        if (!token) return { outcome: 'unknown' };
        if (token.family_revoked_at !== null) return { outcome: 'revoked' };
        const { family_id: familyId, user_id: userId } = token;
        if (token.spent_at !== null) {
          await execute(client, revokeFamily, [familyId, now]);
          return { outcome: 'reused', familyId, userId };
        }
        if (toEpoch(token.expires_at) <= now) return { outcome: 'expired' };
        await execute(client, spendToken, [tokenHash, now]);
        await execute(client, insertToken, [next.tokenHash, familyId, next.expiresAt]);
        return { outcome: 'rotated', familyId, userId };
      });
    },
    async findRefreshToken(tokenHash) {
      const row = await queryFirst(pool, tokenByHash, [tokenHash]);
      return row && toRefreshTokenState(row);
    },
    async revokeRefreshFamily(familyId, now) {
      await execute(pool, revokeFamily, [familyId, now]);
    },
  };
}
