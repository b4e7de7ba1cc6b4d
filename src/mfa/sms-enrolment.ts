import { AuthError, invalidArgument } from '../errors/auth-error.ts';
import type { UserRecord } from '../storage/store.ts';
import type { Clock } from './mfa-policy.ts';
import type { MfaStore } from './mfa-store.ts';
import { normalizePhoneNumber } from './phone-number.ts';
import { type SmsCodes, smsCodeRefusal } from './sms-codes.ts';

export interface SmsEnrolment {
  /**
   * Sends a code to `phoneNumber` (E.164); SMS stays off until `confirm`. Enrolling again replaces the
   * pending number and code (within the resend throttle). Refused while SMS is on.
   */
  enroll(user: UserRecord, phoneNumber: string): Promise<void>;
  /** Switches SMS on for the pending number, given the code sent to it. */
  confirm(user: UserRecord, code: string): Promise<void>;
  /** Sends a code to the confirmed number, as proof for turning the other method off (step-up). */
  sendStepUpCode(user: UserRecord): Promise<void>;
}

export function createSmsEnrolment(deps: { store: MfaStore; smsCodes: SmsCodes; now: Clock }): SmsEnrolment {
  const { store, smsCodes, now } = deps;
  const enrolmentSlot = (user: UserRecord) => ({ purpose: 'enrolment', subject: user.id }) as const;
  const alreadyOn = () =>
    new AuthError('ALREADY_EXISTS', 'SMS is already on; turn it off before enrolling another number.');

  return {
    async enroll(user, phoneNumber) {
      const normalized = normalizePhoneNumber(phoneNumber);
      if (await store.findSmsPhone(user.id)) throw alreadyOn();
      await smsCodes.send(enrolmentSlot(user), user.id, normalized);
    },

    async confirm(user, code) {
      const use = await smsCodes.check(enrolmentSlot(user), code);
      if (use.outcome !== 'accepted') throw smsCodeRefusal(use);
      const enabled = await store.enableSmsPhone({
        userId: user.id,
        phoneNumber: use.phoneNumber,
        confirmedAt: now(),
      });
      if (!enabled) throw alreadyOn();
    },

    async sendStepUpCode(user) {
      const phone = await store.findSmsPhone(user.id);
      if (!phone) throw invalidArgument('sms is not enabled for this account.');
      await smsCodes.send({ purpose: 'step_up', subject: user.id }, user.id, phone.phoneNumber);
    },
  };
}
