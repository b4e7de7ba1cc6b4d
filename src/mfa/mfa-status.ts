import type { MfaMethod } from './mfa-policy.ts';
import type { MfaStore } from './mfa-store.ts';
import { phoneNumberHint } from './phone-number.ts';
import type { SecondFactors } from './second-factors.ts';

/** What a user's security settings page shows. Never a secret, and the phone number only as a hint. */
export interface MfaStatus {
  methods: MfaMethod[];
  /** A TOTP enrolment awaits its confirming code. */
  totpPending: boolean;
  /** `+49•••••••78` while SMS is on. */
  smsPhoneNumberHint: string | undefined;
  /** Unused recovery codes (0 when TOTP is off). */
  recoveryCodesRemaining: number;
}

export function createMfaStatus(deps: { store: MfaStore; factors: SecondFactors }) {
  return async (userId: string): Promise<MfaStatus> => {
    const [methods, totp, phone, recoveryCodesRemaining] = await Promise.all([
      deps.factors.enabledMethods(userId),
      deps.store.findTotp(userId),
      deps.store.findSmsPhone(userId),
      deps.store.countUnusedRecoveryCodes(userId),
    ]);
    return {
      methods,
      totpPending: totp !== undefined && totp.confirmedAt === null,
      smsPhoneNumberHint: phone && phoneNumberHint(phone.phoneNumber),
      recoveryCodesRemaining,
    };
  };
}
