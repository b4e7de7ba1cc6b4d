import { AuthError, invalidArgument } from '../errors/auth-error.ts';
import type { UserRecord } from '../storage/store.ts';
import type { CodeHasher } from './mfa-hashes.ts';
import type { Clock, MfaPolicy } from './mfa-policy.ts';
import type { MfaStore } from './mfa-store.ts';
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.ts';
import { matchTotpStep, newTotpSecret, totpUri } from './totp.ts';
import type { TotpSealer } from './totp-sealer.ts';

export interface TotpEnrolment {
  /**
   * Starts (or restarts) enrolment with a new secret; TOTP stays off until `confirm`. Refused with
   * ALREADY_EXISTS while TOTP is on: turning it off first needs a proof (DisableMfa).
   */
  enroll(user: UserRecord): Promise<{ secret: string; otpauthUrl: string }>;
  /** Switches TOTP on with a first valid code; answers the recovery codes, shown this once. */
  confirm(user: UserRecord, code: string): Promise<string[]>;
}

export interface TotpEnrolmentDeps {
  store: MfaStore;
  sealer: TotpSealer;
  hashCode: CodeHasher;
  policy: Pick<MfaPolicy, 'totpIssuer' | 'recoveryCodeCount'>;
  now: Clock;
}

export function createTotpEnrolment(deps: TotpEnrolmentDeps): TotpEnrolment {
  const { store, sealer, hashCode, policy, now } = deps;
  const alreadyOn = () =>
    new AuthError('ALREADY_EXISTS', 'TOTP is already on; turn it off before enrolling again.');

  return {
    async enroll(user) {
      const secret = newTotpSecret();
      if (!(await store.savePendingTotp(user.id, sealer.seal(secret, user.id), now()))) throw alreadyOn();
      return { secret, otpauthUrl: totpUri(secret, policy.totpIssuer, user.email) };
    },

    async confirm(user, code) {
      const pending = await store.findTotp(user.id);
      if (!pending) throw invalidArgument('No TOTP enrolment is pending; enroll first.');
      if (pending.confirmedAt !== null) throw alreadyOn();
      const secret = sealer.open(pending.secretSealed, user.id);
      const step = await matchTotpStep(secret, code.replace(/\s/g, ''), pending.lastStep, now());
      if (step === undefined) throw new AuthError('INVALID_CREDENTIALS', 'The code is incorrect.');
      const recoveryCodes = newRecoveryCodes(policy.recoveryCodeCount);
      const confirmed = await store.confirmTotp({
        userId: user.id,
        secretSealed: pending.secretSealed,
        // The confirming code's step counts as used: it cannot also sign in.
        step,
        recoveryCodeHashes: recoveryCodes.map((c) => hashCode('recovery', normalizeRecoveryCode(c) ?? c)),
        now: now(),
      });
      if (!confirmed)
        throw invalidArgument('The enrolment changed while it was being confirmed; enroll again.');
      return recoveryCodes;
    },
  };
}
