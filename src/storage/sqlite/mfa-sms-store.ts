import type Database from 'better-sqlite3';
import type {
  MfaStore,
  SmsCodeIssue,
  SmsCodeIssueResult,
  SmsCodeSlot,
  SmsCodeUse,
} from '../../mfa/mfa-store.ts';

/** SMS phones and the codes sent to them. */
export type MfaSmsStore = Pick<
  MfaStore,
  'findSmsPhone' | 'enableSmsPhone' | 'deleteSmsPhone' | 'issueSmsCode' | 'withdrawSmsCode' | 'useSmsCode'
>;

interface SmsCodeRow {
  phone_number: string;
  code_hash: string;
  expires_at: number;
  resend_at: number;
  attempts: number;
}

/** The SMS part of MFA on SQLite; transactions are `BEGIN IMMEDIATE`, as in `mfa-store.ts`. */
export function createSqliteMfaSmsStore(db: Database.Database): MfaSmsStore {
  const phoneByUser = db.prepare<[string], { phone_number: string; confirmed_at: number }>(
    'SELECT phone_number, confirmed_at FROM mfa_sms_phones WHERE user_id = ?',
  );
  const insertPhone = db.prepare<[string, string, number]>(
    `INSERT INTO mfa_sms_phones (user_id, phone_number, confirmed_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO NOTHING`,
  );
  const removePhone = db.prepare<[string]>('DELETE FROM mfa_sms_phones WHERE user_id = ?');
  const removeUserCodes = db.prepare<[string]>('DELETE FROM mfa_sms_codes WHERE user_id = ?');

  const codeInSlot = db.prepare<[string, string], SmsCodeRow>(
    `SELECT phone_number, code_hash, expires_at, resend_at, attempts FROM mfa_sms_codes
     WHERE purpose = ? AND subject = ?`,
  );
  const putCode = db.prepare<SmsCodeIssue>(
    `INSERT OR REPLACE INTO mfa_sms_codes
       (purpose, subject, user_id, phone_number, code_hash, sent_at, expires_at, resend_at, attempts)
     VALUES (@purpose, @subject, @userId, @phoneNumber, @codeHash, @sentAt, @expiresAt, @resendAt, 0)`,
  );
  const removeCode = db.prepare<[string, string, string]>(
    'DELETE FROM mfa_sms_codes WHERE purpose = ? AND subject = ? AND code_hash = ?',
  );
  const countWrongCode = db.prepare<[string, string]>(
    'UPDATE mfa_sms_codes SET attempts = attempts + 1 WHERE purpose = ? AND subject = ?',
  );

  const deleteSmsPhone = db.transaction((userId: string): boolean => {
    removeUserCodes.run(userId);
    return removePhone.run(userId).changes > 0;
  });

  const issueCode = db.transaction((issue: SmsCodeIssue): SmsCodeIssueResult => {
    const current = codeInSlot.get(issue.purpose, issue.subject);
    if (current && current.resend_at > issue.sentAt) return { issued: false, retryAt: current.resend_at };
    putCode.run(issue);
    return { issued: true };
  });

  const useCode = db.transaction(
    (slot: SmsCodeSlot, codeHash: string, now: number, maxAttempts: number): SmsCodeUse => {
      const code = codeInSlot.get(slot.purpose, slot.subject);
      if (!code) return { outcome: 'none' };
      if (code.expires_at <= now) return { outcome: 'expired' };
      if (code.attempts >= maxAttempts) return { outcome: 'exhausted' };
      if (code.code_hash === codeHash) {
        removeCode.run(slot.purpose, slot.subject, codeHash);
        return { outcome: 'accepted', phoneNumber: code.phone_number };
      }
      countWrongCode.run(slot.purpose, slot.subject);
      return { outcome: 'wrong', attempts: code.attempts + 1 };
    },
  );

  return {
    async findSmsPhone(userId) {
      const row = phoneByUser.get(userId);
      return row && { userId, phoneNumber: row.phone_number, confirmedAt: row.confirmed_at };
    },
    async enableSmsPhone(phone) {
      return insertPhone.run(phone.userId, phone.phoneNumber, phone.confirmedAt).changes > 0;
    },
    async deleteSmsPhone(userId) {
      return deleteSmsPhone.immediate(userId);
    },
    async issueSmsCode(issue) {
      return issueCode.immediate(issue);
    },
    async withdrawSmsCode(slot, codeHash) {
      removeCode.run(slot.purpose, slot.subject, codeHash);
    },
    async useSmsCode(slot, codeHash, now, maxAttempts) {
      return useCode.immediate(slot, codeHash, now, maxAttempts);
    },
  };
}
