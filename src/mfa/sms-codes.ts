import { randomInt } from 'node:crypto';
import { AuthError } from '../errors/auth-error.ts';
import type { CodeHasher } from './mfa-hashes.ts';
import type { Clock, MfaPolicy } from './mfa-policy.ts';
import type { MfaStore, SmsCodeSlot, SmsCodeUse } from './mfa-store.ts';
import type { SmsSender } from './sms-sender.ts';

/** Six-digit codes sent by SMS, one live code per slot (an enrolment, a sign-in, a step-up). */
export interface SmsCodes {
  /**
   * Sends a new code to `phoneNumber`, replacing the slot's previous one. RATE_LIMITED (with
   * Retry-After) within the resend interval, unless the number changed (see
   * {@link NUMBER_CHANGES}); UNAVAILABLE when delivery fails, and then the slot is as free as if
   * nothing had been sent.
   */
  send(slot: SmsCodeSlot, userId: string, phoneNumber: string): Promise<void>;
  /** Checks a typed code against the slot (single use, limited attempts). */
  check(slot: SmsCodeSlot, typed: string): Promise<SmsCodeUse>;
}

export interface SmsCodesDeps {
  store: MfaStore;
  sender: SmsSender;
  hashCode: CodeHasher;
  policy: Pick<MfaPolicy, 'smsCodeTtl' | 'smsResendInterval' | 'smsMaxAttempts'>;
  now: Clock;
}

/**
 * A typo in a number is found once its code never arrives: the resend throttle protects a number
 * from repeated texts, and should not hold up a code to the corrected one. So within the resend
 * interval a slot may still send to a different number, at most this many times per
 * {@link NUMBER_CHANGE_WINDOW}; past that the throttle applies to every number again, which keeps
 * the overall limit (one text per interval) for anyone trying to text many numbers.
 */
export const NUMBER_CHANGES = 3;
/** Seconds. */
export const NUMBER_CHANGE_WINDOW = 15 * 60;

export function createSmsCodes(deps: SmsCodesDeps): SmsCodes {
  const { store, sender, hashCode, policy, now } = deps;
  // What this process sent last per slot, within the resend interval: replacing a code early
  // needs its hash (the store withdraws only the code it is shown). Another replica's send is not
  // here, and then the store's throttle applies as before: never looser than without this.
  const lastSent = new Map<string, { phoneNumber: string; codeHash: string; sentAt: number }>();
  const numberChanges = new Map<string, number[]>();
  const forget = (at: number) => {
    for (const [key, sent] of lastSent) {
      if (sent.sentAt + policy.smsResendInterval <= at) lastSent.delete(key);
    }
    for (const [key, times] of numberChanges) {
      const recent = times.filter((t) => t + NUMBER_CHANGE_WINDOW > at);
      if (recent.length === 0) numberChanges.delete(key);
      else numberChanges.set(key, recent);
    }
  };

  return {
    async send(slot, userId, phoneNumber) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const codeHash = hashCode('sms', code);
      const sentAt = now();
      forget(sentAt);
      const key = `${slot.purpose}:${slot.subject}`;
      const issue = () =>
        store.issueSmsCode({
          ...slot,
          userId,
          phoneNumber,
          codeHash,
          sentAt,
          expiresAt: sentAt + policy.smsCodeTtl,
          resendAt: sentAt + policy.smsResendInterval,
        });
      let issued = await issue();
      const previous = lastSent.get(key);
      const changes = numberChanges.get(key) ?? [];
      if (
        !issued.issued &&
        previous &&
        previous.phoneNumber !== phoneNumber &&
        changes.length < NUMBER_CHANGES
      ) {
        await store.withdrawSmsCode(slot, previous.codeHash);
        issued = await issue();
        if (issued.issued) numberChanges.set(key, [...changes, sentAt]);
      }
      if (!issued.issued) {
        throw new AuthError('RATE_LIMITED', 'A code was sent moments ago; wait before asking for another.', {
          retryAfterSeconds: Math.max(1, issued.retryAt - sentAt),
        });
      }
      try {
        await sender.send({ to: phoneNumber, body: `Your Semaswift code is ${code}` });
        lastSent.set(key, { phoneNumber, codeHash, sentAt });
      } catch (error) {
        // Free the slot: the user never got this code, and may ask again at once.
        await store.withdrawSmsCode(slot, codeHash);
        if (error instanceof AuthError) throw error;
        throw new AuthError('UNAVAILABLE', 'The SMS could not be delivered; try again shortly.', {
          cause: error,
        });
      }
    },
    check(slot, typed) {
      return store.useSmsCode(slot, hashCode('sms', typed.replace(/\s/g, '')), now(), policy.smsMaxAttempts);
    },
  };
}

/** The client's answer for a code that was not accepted. */
export function smsCodeRefusal(use: Exclude<SmsCodeUse, { outcome: 'accepted' }>): AuthError {
  const messages = {
    wrong: 'The code is incorrect.',
    exhausted: 'Too many wrong codes; ask for a new code.',
    expired: 'The code has expired; ask for a new code.',
    none: 'No code was sent, or it was used already; ask for a new code.',
  } as const;
  return new AuthError('INVALID_CREDENTIALS', messages[use.outcome]);
}
