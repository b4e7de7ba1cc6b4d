/** The second factors a user can switch on, as `mfa_methods` names them. */
export type MfaMethod = 'totp' | 'sms';

/** What VerifyMfa accepts as `method`: an enrolled factor, or one of the TOTP recovery codes. */
export type CodeMethod = MfaMethod | 'recovery_code';

export const MFA_METHODS: readonly MfaMethod[] = ['totp', 'sms'];
export const CODE_METHODS: readonly CodeMethod[] = ['totp', 'sms', 'recovery_code'];

/**
 * RFC 8176 `amr` value each method adds to `pwd`. A recovery code is a pre-registered secret set up at
 * enrolment (NIST SP 800-63-2's "pre-registered knowledge token"), for which 8176 registers `kba`;
 * `otp` would claim an RFC 4226/6238 generator, and keeping the two apart lets a relying party ask
 * for a real second factor before something sensitive.
 */
export const AMR_OF: Readonly<Record<CodeMethod, string>> = { totp: 'otp', sms: 'sms', recovery_code: 'kba' };

/** Every limit of the MFA domain, in one place (seconds unless named otherwise). */
export interface MfaPolicy {
  /** How long an mfa_token (a password step waiting for its code) lives. */
  challengeTtl: number;
  /** Wrong codes that spend an mfa_token. */
  maxChallengeFailures: number;
  /** How long an SMS code lives. */
  smsCodeTtl: number;
  /** Wrong tries one SMS code takes before it is dead. */
  smsMaxAttempts: number;
  /** At most one SMS per this many seconds per mfa_token, enrolment or step-up. */
  smsResendInterval: number;
  /** Recovery codes handed out at each TOTP confirmation. */
  recoveryCodeCount: number;
  /** `issuer` of the otpauth:// URL: what authenticator apps show. */
  totpIssuer: string;
  /** How long the SMS webhook may take before the delivery counts as failed (milliseconds). */
  smsWebhookTimeoutMs: number;
}

export const DEFAULT_MFA_POLICY: MfaPolicy = {
  challengeTtl: 300,
  maxChallengeFailures: 5,
  smsCodeTtl: 300,
  smsMaxAttempts: 5,
  smsResendInterval: 30,
  recoveryCodeCount: 10,
  totpIssuer: 'Semaswift',
  smsWebhookTimeoutMs: 5000,
};

/** Epoch seconds; injectable so tests can move time. */
export type Clock = () => number;
export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
