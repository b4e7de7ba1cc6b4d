import type Database from 'better-sqlite3';
import type { MfaChallengeRecord, MfaStore, TotpRecord } from '../../mfa/mfa-store.ts';
import { createSqliteMfaSmsStore, type MfaSmsStore } from './mfa-sms-store.ts';

/** Sign-in challenges, TOTP and recovery codes. */
type MfaFactorStore = Omit<MfaStore, keyof MfaSmsStore>;

interface ChallengeRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  failures: number;
  spent_at: number | null;
}

interface TotpRow {
  user_id: string;
  secret_sealed: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

const toChallenge = (row: ChallengeRow): MfaChallengeRecord => ({
  tokenHash: row.token_hash,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  failures: row.failures,
  spentAt: row.spent_at,
});

const toTotp = (row: TotpRow): TotpRecord => ({
  userId: row.user_id,
  secretSealed: row.secret_sealed,
  createdAt: row.created_at,
  confirmedAt: row.confirmed_at,
  lastStep: row.last_step,
});

/**
 * MFA on SQLite. Single statements are atomic by themselves; read-decide-write sequences run in
 * `BEGIN IMMEDIATE` transactions, which take the write lock first, so no other connection (the admin
 * CLI, a second server) can change the rows between the read and the write.
 */
export function createSqliteMfaStore(db: Database.Database): MfaStore {
  return { ...createFactorStore(db), ...createSqliteMfaSmsStore(db) };
}

function createFactorStore(db: Database.Database): MfaFactorStore {
  const insertChallenge = db.prepare<ChallengeRow>(
    `INSERT INTO mfa_challenges (token_hash, user_id, created_at, expires_at, failures, spent_at)
     VALUES (@token_hash, @user_id, @created_at, @expires_at, @failures, @spent_at)`,
  );
  const forgetOldChallenges = db.prepare<{ userId: string; now: number }>(
    'DELETE FROM mfa_challenges WHERE user_id = @userId AND (expires_at <= @now OR spent_at IS NOT NULL)',
  );
  const forgetOrphanLoginCodes = db.prepare<{ userId: string }>(
    `DELETE FROM mfa_sms_codes WHERE user_id = @userId AND purpose = 'login'
       AND subject NOT IN (SELECT token_hash FROM mfa_challenges WHERE user_id = @userId)`,
  );
  const challengeByHash = db.prepare<[string], ChallengeRow>(
    'SELECT * FROM mfa_challenges WHERE token_hash = ?',
  );
  // One statement: counting and spending at the limit cannot be split by another caller.
  const failChallenge = db.prepare<{ tokenHash: string; max: number; now: number }, { failures: number }>(
    `UPDATE mfa_challenges SET failures = failures + 1,
       spent_at = COALESCE(spent_at, CASE WHEN failures + 1 >= @max THEN @now END)
     WHERE token_hash = @tokenHash RETURNING failures`,
  );
  const spendChallenge = db.prepare<{ tokenHash: string; now: number }>(
    `UPDATE mfa_challenges SET spent_at = @now
     WHERE token_hash = @tokenHash AND spent_at IS NULL AND expires_at > @now`,
  );

  const totpByUser = db.prepare<[string], TotpRow>('SELECT * FROM mfa_totp WHERE user_id = ?');
  // The upsert's WHERE leaves a confirmed authenticator alone: changes = 0 tells the caller.
  const savePending = db.prepare<[string, string, number]>(
    `INSERT INTO mfa_totp (user_id, secret_sealed, created_at, confirmed_at, last_step)
     VALUES (?, ?, ?, NULL, NULL)
     ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,
       created_at = excluded.created_at, last_step = NULL
     WHERE mfa_totp.confirmed_at IS NULL`,
  );
  const confirmPending = db.prepare<[number, number, string, string]>(
    `UPDATE mfa_totp SET confirmed_at = ?, last_step = ?
     WHERE user_id = ? AND secret_sealed = ? AND confirmed_at IS NULL`,
  );
  const advanceStep = db.prepare<{ userId: string; step: number }>(
    `UPDATE mfa_totp SET last_step = @step
     WHERE user_id = @userId AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < @step)`,
  );
  const removeTotp = db.prepare<[string]>('DELETE FROM mfa_totp WHERE user_id = ?');
  const removeRecoveryCodes = db.prepare<[string]>('DELETE FROM mfa_recovery_codes WHERE user_id = ?');
  const insertRecoveryCode = db.prepare<[string, string]>(
    'INSERT INTO mfa_recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)',
  );
  const useRecoveryCode = db.prepare<[number, string, string]>(
    'UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
  );
  const countRecoveryCodes = db.prepare<[string], { count: number }>(
    'SELECT COUNT(*) AS count FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL',
  );

  const createChallenge = db.transaction((challenge: MfaChallengeRecord) => {
    forgetOldChallenges.run({ userId: challenge.userId, now: challenge.createdAt });
    forgetOrphanLoginCodes.run({ userId: challenge.userId });
    insertChallenge.run({
      token_hash: challenge.tokenHash,
      user_id: challenge.userId,
      created_at: challenge.createdAt,
      expires_at: challenge.expiresAt,
      failures: challenge.failures,
      spent_at: challenge.spentAt,
    });
  });

  const confirmTotp = db.transaction((c: Parameters<MfaStore['confirmTotp']>[0]): boolean => {
    if (confirmPending.run(c.now, c.step, c.userId, c.secretSealed).changes === 0) return false;
    removeRecoveryCodes.run(c.userId);
    for (const hash of c.recoveryCodeHashes) insertRecoveryCode.run(c.userId, hash);
    return true;
  });

  const deleteTotp = db.transaction((userId: string): boolean => {
    removeRecoveryCodes.run(userId);
    return removeTotp.run(userId).changes > 0;
  });

  return {
    async createMfaChallenge(challenge) {
      createChallenge.immediate(challenge);
    },
    async findMfaChallenge(tokenHash) {
      const row = challengeByHash.get(tokenHash);
      return row && toChallenge(row);
    },
    async recordMfaChallengeFailure(tokenHash, maxFailures, now) {
      return failChallenge.get({ tokenHash, max: maxFailures, now })?.failures ?? 0;
    },
    async spendMfaChallenge(tokenHash, now) {
      return spendChallenge.run({ tokenHash, now }).changes > 0;
    },
    async findTotp(userId) {
      const row = totpByUser.get(userId);
      return row && toTotp(row);
    },
    async savePendingTotp(userId, secretSealed, now) {
      return savePending.run(userId, secretSealed, now).changes > 0;
    },
    async confirmTotp(confirmation) {
      return confirmTotp.immediate(confirmation);
    },
    async advanceTotpStep(userId, step) {
      return advanceStep.run({ userId, step }).changes > 0;
    },
    async deleteTotp(userId) {
      return deleteTotp.immediate(userId);
    },
    async consumeRecoveryCode(userId, codeHash, now) {
      return useRecoveryCode.run(now, userId, codeHash).changes > 0;
    },
    async countUnusedRecoveryCodes(userId) {
      return countRecoveryCodes.get(userId)?.count ?? 0;
    },
  };
}
