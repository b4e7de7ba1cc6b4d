import type { Pool } from 'pg';
import type { MfaStore } from '../../mfa/mfa-store.ts';
import { type MfaChallengeRow, type TotpRow, toMfaChallengeRecord, toTotpRecord } from './rows.ts';
import { execute, queryFirst, statement, withTransaction } from './sql.ts';

/** Sign-in challenges, TOTP and recovery codes. */
export type MfaFactorStore = Pick<
  MfaStore,
  | 'createMfaChallenge'
  | 'findMfaChallenge'
  | 'recordMfaChallengeFailure'
  | 'spendMfaChallenge'
  | 'findTotp'
  | 'savePendingTotp'
  | 'confirmTotp'
  | 'advanceTotpStep'
  | 'deleteTotp'
  | 'consumeRecoveryCode'
  | 'countUnusedRecoveryCodes'
>;

const insertChallenge = statement(
  'mfa.challenge.insert',
  `INSERT INTO mfa_challenges (token_hash, user_id, created_at, expires_at, failures, spent_at)
   VALUES ($1, $2, $3, $4, $5, $6)`,
);
const forgetOldChallenges = statement(
  'mfa.challenge.forget-old',
  'DELETE FROM mfa_challenges WHERE user_id = $1 AND (expires_at <= $2 OR spent_at IS NOT NULL)',
);
const forgetOrphanLoginCodes = statement(
  'mfa.challenge.forget-orphan-codes',
  `DELETE FROM mfa_sms_codes c WHERE c.user_id = $1 AND c.purpose = 'login'
   AND NOT EXISTS (SELECT 1 FROM mfa_challenges m WHERE m.token_hash = c.subject)`,
);
const challengeByHash = statement<MfaChallengeRow>(
  'mfa.challenge.by-hash',
  'SELECT token_hash, user_id, created_at, expires_at, failures, spent_at FROM mfa_challenges WHERE token_hash = $1',
);
// One statement: a concurrent caller waits on the row lock and then counts from the new value.
// In SET, "failures" is the value before this update.
const failChallenge = statement<{ failures: number }>(
  'mfa.challenge.fail',
  `UPDATE mfa_challenges SET failures = failures + 1,
     spent_at = COALESCE(spent_at, CASE WHEN failures + 1 >= $2 THEN $3::bigint END)
   WHERE token_hash = $1 RETURNING failures`,
);
const spendChallenge = statement(
  'mfa.challenge.spend',
  'UPDATE mfa_challenges SET spent_at = $2 WHERE token_hash = $1 AND spent_at IS NULL AND expires_at > $2',
);

const totpByUser = statement<TotpRow>(
  'mfa.totp.by-user',
  'SELECT user_id, secret_sealed, created_at, confirmed_at, last_step FROM mfa_totp WHERE user_id = $1',
);
// The upsert's WHERE leaves a confirmed authenticator alone: no row touched tells the caller.
const savePending = statement(
  'mfa.totp.save-pending',
  `INSERT INTO mfa_totp (user_id, secret_sealed, created_at, confirmed_at, last_step)
   VALUES ($1, $2, $3, NULL, NULL)
   ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,
     created_at = excluded.created_at, last_step = NULL
   WHERE mfa_totp.confirmed_at IS NULL`,
);
const confirmPending = statement(
  'mfa.totp.confirm',
  `UPDATE mfa_totp SET confirmed_at = $3, last_step = $4
   WHERE user_id = $1 AND secret_sealed = $2 AND confirmed_at IS NULL`,
);
const advanceStep = statement(
  'mfa.totp.advance-step',
  `UPDATE mfa_totp SET last_step = $2
   WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $2)`,
);
const removeTotp = statement('mfa.totp.delete', 'DELETE FROM mfa_totp WHERE user_id = $1');
const removeRecoveryCodes = statement(
  'mfa.recovery.delete',
  'DELETE FROM mfa_recovery_codes WHERE user_id = $1',
);
const insertRecoveryCodes = statement(
  'mfa.recovery.insert',
  `INSERT INTO mfa_recovery_codes (user_id, code_hash, used_at)
   SELECT $1, code_hash, NULL FROM unnest($2::text[]) AS given (code_hash)`,
);
const useRecoveryCode = statement(
  'mfa.recovery.use',
  'UPDATE mfa_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL',
);
const countRecoveryCodes = statement<{ count: number }>(
  'mfa.recovery.count',
  'SELECT count(*)::integer AS count FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
);

/**
 * Challenges, TOTP and recovery codes on `pool`. Each "atomic" operation of MfaStore is one
 * conditional statement (PostgreSQL re-checks its WHERE on the row a concurrent writer left), or
 * one transaction where several tables change together.
 */
export function createPostgresMfaFactorStore(pool: Pool): MfaFactorStore {
  return {
    async createMfaChallenge(challenge) {
      await withTransaction(pool, async (client) => {
        await execute(client, forgetOldChallenges, [challenge.userId, challenge.createdAt]);
        await execute(client, forgetOrphanLoginCodes, [challenge.userId]);
        await execute(client, insertChallenge, [
          challenge.tokenHash,
          challenge.userId,
          challenge.createdAt,
          challenge.expiresAt,
          challenge.failures,
          challenge.spentAt,
        ]);
      });
    },
    async findMfaChallenge(tokenHash) {
      const row = await queryFirst(pool, challengeByHash, [tokenHash]);
      return row && toMfaChallengeRecord(row);
    },
    async recordMfaChallengeFailure(tokenHash, maxFailures, now) {
      return (await queryFirst(pool, failChallenge, [tokenHash, maxFailures, now]))?.failures ?? 0;
    },
    async spendMfaChallenge(tokenHash, now) {
      return (await execute(pool, spendChallenge, [tokenHash, now])) > 0;
    },
    async findTotp(userId) {
      const row = await queryFirst(pool, totpByUser, [userId]);
      return row && toTotpRecord(row);
    },
    async savePendingTotp(userId, secretSealed, now) {
      return (await execute(pool, savePending, [userId, secretSealed, now])) > 0;
    },
    async confirmTotp(c) {
      return withTransaction(pool, async (client) => {
        if ((await execute(client, confirmPending, [c.userId, c.secretSealed, c.now, c.step])) === 0)
          return false;
        await execute(client, removeRecoveryCodes, [c.userId]);
        await execute(client, insertRecoveryCodes, [c.userId, [...c.recoveryCodeHashes]]);
        return true;
      });
    },
    async advanceTotpStep(userId, step) {
      return (await execute(pool, advanceStep, [userId, step])) > 0;
    },
    async deleteTotp(userId) {
      return withTransaction(pool, async (client) => {
        await execute(client, removeRecoveryCodes, [userId]);
        return (await execute(client, removeTotp, [userId])) > 0;
      });
    },
    async consumeRecoveryCode(userId, codeHash, now) {
      return (await execute(pool, useRecoveryCode, [userId, codeHash, now])) > 0;
    },
    async countUnusedRecoveryCodes(userId) {
      return (await queryFirst(pool, countRecoveryCodes, [userId]))?.count ?? 0;
    },
  };
}
