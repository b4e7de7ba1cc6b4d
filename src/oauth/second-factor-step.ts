import type { UserRecord } from '../storage/store.ts';

/** An open second-factor step: its secret handle (kept in an HttpOnly cookie) and the user's methods. */
export interface SecondFactorChallenge {
  handle: string;
  methods: string[];
}

/**
 * The MFA step of the sign-in page, over src/mfa: the same challenges, codes, limits and `amr`
 * values as `POST /api/v1/auth/mfa/verify`, without starting an API session (the page signs the
 * browser in with oidc-provider instead).
 */
export interface SecondFactorStep {
  /** After a right password: a challenge when the user has MFA on, else undefined. */
  start(user: UserRecord): Promise<SecondFactorChallenge | undefined>;
  /** The methods of a challenge still open, or undefined when it is gone (spent, expired). */
  methods(handle: string): Promise<string[] | undefined>;
  /** Sends the SMS code of the challenge. Throws AuthError (not enabled, resend too soon). */
  sendSms(handle: string): Promise<void>;
  /**
   * Checks a code for `method` (`totp`, `sms`, `recovery_code`), using it up. Resolves the user and
   * the sign-in's `amr`; throws AuthError (wrong code, too many, rate limited, challenge gone).
   */
  verify(
    handle: string,
    method: string,
    code: string,
    clientAddress: string,
  ): Promise<{ user: UserRecord; amr: string[] }>;
}
