/**
 * What the MFA domain keeps. Joined into `Store` (src/storage/store.ts); every backend implements it
 * and passes `test/storage/cases/mfa-cases.ts`. Times are epoch seconds. Nothing secret is stored in
 * the clear: mfa_tokens and codes only as hashes, TOTP secrets only sealed (AES-256-GCM).
 *
 * Each method marked "atomic" must decide and write in one step that no concurrent call (in this
 * process or another, on any replica) can interleave with: one statement, or one transaction that
 * holds the rows it reads (SQLite `BEGIN IMMEDIATE`, PostgreSQL `FOR UPDATE` or a conditional
 * `UPDATE … RETURNING`). The shared suite races two calls where it matters.
 */

/** A sign-in waiting for its second factor (the `mfa_token` of a password step). */
export interface MfaChallengeRecord {
  /** SHA-256 of the mfa_token, base64url. Unique. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  /** Codes tried so far (the domain counts each try before checking it, so concurrent tries cannot exceed the limit). */
  failures: number;
  /** When it was used up (by a success or by too many failures); null while usable. */
  spentAt: number | null;
}

/** A user's TOTP authenticator: pending until confirmed with a first code. */
export interface TotpRecord {
  userId: string;
  /** The base32 secret sealed with AES-256-GCM (iv ‖ tag ‖ ciphertext, base64url). */
  secretSealed: string;
  createdAt: number;
  /** null while the enrolment awaits its first code: TOTP is not on yet. */
  confirmedAt: number | null;
  /** The last RFC 6238 time step accepted: a code of this step or an earlier one is refused. */
  lastStep: number | null;
}

/** A confirmed SMS phone: SMS is on for the user. */
export interface SmsPhoneRecord {
  userId: string;
  /** E.164, `+` and digits. */
  phoneNumber: string;
  confirmedAt: number;
}

/**
 * What an SMS code is for, which also says what `subject` names: `enrolment` and `step_up` → the
 * user id; `login` → the mfa_token hash of the sign-in.
 */
export type SmsCodePurpose = 'enrolment' | 'login' | 'step_up';

/** Where an SMS code belongs: one live code per purpose and subject. */
export interface SmsCodeSlot {
  purpose: SmsCodePurpose;
  subject: string;
}

export interface SmsCodeIssue extends SmsCodeSlot {
  userId: string;
  phoneNumber: string;
  /** Keyed hash of the code (never the code). */
  codeHash: string;
  sentAt: number;
  expiresAt: number;
  /** The earliest time the next code for this slot may be issued (the resend throttle). */
  resendAt: number;
}

export type SmsCodeIssueResult = { issued: true } | { issued: false; retryAt: number };

export type SmsCodeUse =
  /** The code matched, was live and is now used up (the slot is empty). */
  | { outcome: 'accepted'; phoneNumber: string }
  /** It did not match; `attempts` wrong codes so far. */
  | { outcome: 'wrong'; attempts: number }
  /** The slot's code already took `maxAttempts` wrong codes: no code is accepted until a new one. */
  | { outcome: 'exhausted' }
  | { outcome: 'expired' }
  /** No code was issued for this slot. */
  | { outcome: 'none' };

export interface MfaStore {
  // Sign-in challenges (mfa_token)
  /**
   * Records a new challenge. Also forgets the same user's challenges that expired or were spent
   * before `challenge.createdAt`, with their SMS codes, so that old sign-ins do not pile up.
   */
  createMfaChallenge(challenge: MfaChallengeRecord): Promise<void>;
  findMfaChallenge(tokenHash: string): Promise<MfaChallengeRecord | undefined>;
  /**
   * Atomic: counts one more try (a code that may turn out wrong), and spends the challenge (at
   * `now`) when the count reaches `maxFailures`. Resolves the new count (0 for an unknown
   * challenge). Concurrent calls each count and each see a different count.
   */
  recordMfaChallengeFailure(tokenHash: string, maxFailures: number, now: number): Promise<number>;
  /** Atomic: spends a challenge that is unspent and unexpired at `now`; of two callers only one gets true. */
  spendMfaChallenge(tokenHash: string, now: number): Promise<boolean>;

  // TOTP
  findTotp(userId: string): Promise<TotpRecord | undefined>;
  /**
   * Atomic: stores a pending enrolment, replacing an earlier pending one, unless TOTP is on
   * (confirmed), which it leaves untouched and resolves false.
   */
  savePendingTotp(userId: string, secretSealed: string, now: number): Promise<boolean>;
  /**
   * Atomic: switches TOTP on for the pending enrolment whose secret is still `secretSealed` (a
   * concurrent re-enrolment makes it false), records `step` as the last used step, and replaces the
   * user's recovery codes with `recoveryCodeHashes`; all or nothing.
   */
  confirmTotp(confirmation: {
    userId: string;
    secretSealed: string;
    step: number;
    recoveryCodeHashes: readonly string[];
    now: number;
  }): Promise<boolean>;
  /**
   * Atomic: records `step` as used when TOTP is on and `step` is later than the last used one;
   * false otherwise. Two concurrent calls with one step: exactly one gets true (a code works once).
   */
  advanceTotpStep(userId: string, step: number): Promise<boolean>;
  /** Atomic: removes TOTP (pending or on) and the recovery codes with it; false when there was none. */
  deleteTotp(userId: string): Promise<boolean>;

  // Recovery codes (exist while TOTP is on)
  /** Atomic: uses up an unused recovery code; of two concurrent calls with one code only one gets true. */
  consumeRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;
  countUnusedRecoveryCodes(userId: string): Promise<number>;

  // SMS
  findSmsPhone(userId: string): Promise<SmsPhoneRecord | undefined>;
  /** Switches SMS on with this phone; false (nothing written) when SMS is already on. */
  enableSmsPhone(phone: SmsPhoneRecord): Promise<boolean>;
  /** Atomic: switches SMS off and drops every SMS code of the user; false when it was off. */
  deleteSmsPhone(userId: string): Promise<boolean>;

  // SMS codes
  /**
   * Atomic: puts a fresh code in the slot (replacing the previous one, with no wrong attempts) unless
   * the previous one's `resendAt` is still ahead of `issue.sentAt`: then nothing changes and the
   * answer says when to retry. Two concurrent issues for one slot: at most one is issued.
   */
  issueSmsCode(issue: SmsCodeIssue): Promise<SmsCodeIssueResult>;
  /** Removes the slot's code if it is still `codeHash` (its delivery failed): the slot is free again. */
  withdrawSmsCode(slot: SmsCodeSlot, codeHash: string): Promise<void>;
  /**
   * Atomic: checks `codeHash` against the slot's live code; a match empties the slot (single use),
   * a miss counts an attempt. Of two concurrent uses of one code only one is accepted.
   */
  useSmsCode(slot: SmsCodeSlot, codeHash: string, now: number, maxAttempts: number): Promise<SmsCodeUse>;
}
