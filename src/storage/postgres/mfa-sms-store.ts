import type { Pool } from 'pg';
import type { MfaStore, SmsCodeUse } from '../../mfa/mfa-store.ts';
import { type SmsCodeRow, toEpoch } from './rows.ts';
import { execute, queryFirst, statement, withTransaction } from './sql.ts';

/** SMS phones and the codes sent to them. */
export type MfaSmsStore = Pick<
  MfaStore,
  'findSmsPhone' | 'enableSmsPhone' | 'deleteSmsPhone' | 'issueSmsCode' | 'withdrawSmsCode' | 'useSmsCode'
>;

const phoneByUser = statement<{ phone_number: string; confirmed_at: string }>(
  'mfa.sms.phone-by-user',
  'SELECT phone_number, confirmed_at FROM mfa_sms_phones WHERE user_id = $1',
);
const insertPhone = statement(
  'mfa.sms.phone-insert',
  `INSERT INTO mfa_sms_phones (user_id, phone_number, confirmed_at) VALUES ($1, $2, $3)
   ON CONFLICT (user_id) DO NOTHING`,
);
const removePhone = statement('mfa.sms.phone-delete', 'DELETE FROM mfa_sms_phones WHERE user_id = $1');
const removeUserCodes = statement(
  'mfa.sms.codes-delete-for-user',
  'DELETE FROM mfa_sms_codes WHERE user_id = $1',
);

// Puts a fresh code in the slot unless the current one's resend time is still ahead. ON CONFLICT
// locks the existing row even when its WHERE is false, so a concurrent issue waits, then sees ours
// and is throttled: at most one of two is issued.
const putCode = statement<{ issued: boolean }>(
  'mfa.sms.code-put',
  `INSERT INTO mfa_sms_codes
     (purpose, subject, user_id, phone_number, code_hash, sent_at, expires_at, resend_at, attempts)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)
   ON CONFLICT (purpose, subject) DO UPDATE SET user_id = excluded.user_id,
     phone_number = excluded.phone_number, code_hash = excluded.code_hash, sent_at = excluded.sent_at,
     expires_at = excluded.expires_at, resend_at = excluded.resend_at, attempts = 0
   WHERE mfa_sms_codes.resend_at <= excluded.sent_at
   RETURNING true AS issued`,
);
const codeInSlot = statement<SmsCodeRow>(
  'mfa.sms.code-in-slot',
  `SELECT phone_number, code_hash, expires_at, resend_at, attempts FROM mfa_sms_codes
   WHERE purpose = $1 AND subject = $2`,
);
const lockCodeInSlot = statement<SmsCodeRow>(
  'mfa.sms.code-in-slot-for-update',
  `SELECT phone_number, code_hash, expires_at, resend_at, attempts FROM mfa_sms_codes
   WHERE purpose = $1 AND subject = $2 FOR UPDATE`,
);
const removeCode = statement(
  'mfa.sms.code-delete',
  'DELETE FROM mfa_sms_codes WHERE purpose = $1 AND subject = $2 AND code_hash = $3',
);
const countWrongCode = statement(
  'mfa.sms.code-wrong',
  'UPDATE mfa_sms_codes SET attempts = attempts + 1 WHERE purpose = $1 AND subject = $2',
);

/** SMS phones and codes on `pool`. */
export function createPostgresMfaSmsStore(pool: Pool): MfaSmsStore {
  return {
    async findSmsPhone(userId) {
      const row = await queryFirst(pool, phoneByUser, [userId]);
      return row && { userId, phoneNumber: row.phone_number, confirmedAt: toEpoch(row.confirmed_at) };
    },
    async enableSmsPhone(phone) {
      return (await execute(pool, insertPhone, [phone.userId, phone.phoneNumber, phone.confirmedAt])) > 0;
    },
    async deleteSmsPhone(userId) {
      return withTransaction(pool, async (client) => {
        await execute(client, removeUserCodes, [userId]);
        return (await execute(client, removePhone, [userId])) > 0;
      });
    },
    async issueSmsCode(issue) {
      return withTransaction(pool, async (client) => {
        const put = await queryFirst(client, putCode, [
          issue.purpose,
          issue.subject,
          issue.userId,
          issue.phoneNumber,
          issue.codeHash,
          issue.sentAt,
          issue.expiresAt,
          issue.resendAt,
        ]);
        if (put) return { issued: true };
        // Not issued: the row is there, locked by the upsert until this transaction ends.
        const current = await queryFirst(client, codeInSlot, [issue.purpose, issue.subject]);
        return { issued: false, retryAt: current ? toEpoch(current.resend_at) : issue.sentAt };
      });
    },
    async withdrawSmsCode(slot, codeHash) {
      await execute(pool, removeCode, [slot.purpose, slot.subject, codeHash]);
    },
    async useSmsCode(slot, codeHash, now, maxAttempts) {
      return withTransaction(pool, async (client): Promise<SmsCodeUse> => {
        const code = await queryFirst(client, lockCodeInSlot, [slot.purpose, slot.subject]);
        if (!code) return { outcome: 'none' };
        if (toEpoch(code.expires_at) <= now) return { outcome: 'expired' };
        if (code.attempts >= maxAttempts) return { outcome: 'exhausted' };
        if (code.code_hash === codeHash) {
          await execute(client, removeCode, [slot.purpose, slot.subject, codeHash]);
          return { outcome: 'accepted', phoneNumber: code.phone_number };
        }
        await execute(client, countWrongCode, [slot.purpose, slot.subject]);
        return { outcome: 'wrong', attempts: code.attempts + 1 };
      });
    },
  };
}
