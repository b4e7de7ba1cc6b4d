import { AuthError, invalidArgument } from '../errors/auth-error.ts';
import type { CodeHasher } from './mfa-hashes.ts';
import { AMR_OF, type Clock, type CodeMethod, type MfaMethod } from './mfa-policy.ts';
import type { MfaStore, SmsCodeSlot } from './mfa-store.ts';
import { normalizeRecoveryCode } from './recovery-codes.ts';
import { type SmsCodes, smsCodeRefusal } from './sms-codes.ts';
import { matchTotpStep } from './totp.ts';
import type { TotpSealer } from './totp-sealer.ts';

/**
 * The outcome of checking one code. A refusal says whether it was a guess at a secret (`guess`):
 * only those count toward the mfa_token's and the account's limits; asking for a method that is
 * off or a code that was never sent cannot guess anything.
 */
export type FactorCheck = { ok: true; amr: string } | { ok: false; error: AuthError; guess: boolean };

export interface SecondFactors {
  /** The methods the user has switched on (confirmed), in `mfa_methods` order. */
  enabledMethods(userId: string): Promise<MfaMethod[]>;
  /**
   * Checks `code` for `method`, using it up when right (a TOTP step, a recovery code, an SMS code are
   * each good once). `smsSlot` is where an SMS code for this purpose was sent.
   */
  check(userId: string, method: CodeMethod, code: string, smsSlot: SmsCodeSlot): Promise<FactorCheck>;
}

export interface SecondFactorsDeps {
  store: MfaStore;
  sealer: TotpSealer;
  smsCodes: SmsCodes;
  hashCode: CodeHasher;
  now: Clock;
}

const wrongCode = (): FactorCheck => ({
  ok: false,
  error: new AuthError('INVALID_CREDENTIALS', 'The code is incorrect.'),
  guess: true,
});

const notEnabled = (method: MfaMethod): FactorCheck => ({
  ok: false,
  error: invalidArgument(`${method} is not enabled for this account.`),
  guess: false,
});

export function createSecondFactors(deps: SecondFactorsDeps): SecondFactors {
  const { store, sealer, smsCodes, hashCode, now } = deps;

  async function checkTotp(userId: string, code: string): Promise<FactorCheck> {
    const totp = await store.findTotp(userId);
    if (totp?.confirmedAt == null) return notEnabled('totp');
    const secret = sealer.open(totp.secretSealed, userId);
    const step = await matchTotpStep(secret, code.replace(/\s/g, ''), totp.lastStep, now());
    // advanceTotpStep refuses a step already used, also by a request racing this one.
    if (step === undefined || !(await store.advanceTotpStep(userId, step))) return wrongCode();
    return { ok: true, amr: AMR_OF.totp };
  }

  async function checkRecoveryCode(userId: string, code: string): Promise<FactorCheck> {
    const canonical = normalizeRecoveryCode(code);
    if (canonical === undefined) return wrongCode();
    const consumed = await store.consumeRecoveryCode(userId, hashCode('recovery', canonical), now());
    return consumed ? { ok: true, amr: AMR_OF.recovery_code } : wrongCode();
  }

  async function checkSms(userId: string, code: string, slot: SmsCodeSlot): Promise<FactorCheck> {
    if (!(await store.findSmsPhone(userId))) return notEnabled('sms');
    const use = await smsCodes.check(slot, code);
    if (use.outcome === 'accepted') return { ok: true, amr: AMR_OF.sms };
    return { ok: false, error: smsCodeRefusal(use), guess: use.outcome === 'wrong' };
  }

  return {
    async enabledMethods(userId) {
      const [totp, sms] = await Promise.all([store.findTotp(userId), store.findSmsPhone(userId)]);
      const methods: MfaMethod[] = [];
      if (totp?.confirmedAt != null) methods.push('totp');
      if (sms) methods.push('sms');
      return methods;
    },
    check(userId, method, code, smsSlot) {
      switch (method) {
        case 'totp':
          return checkTotp(userId, code);
        case 'recovery_code':
          return checkRecoveryCode(userId, code);
        case 'sms':
          return checkSms(userId, code, smsSlot);
      }
    },
  };
}

/** `value` as one of `allowed`, or INVALID_ARGUMENT naming the field and the choices. */
export function parseMethod<M extends string>(value: string, field: string, allowed: readonly M[]): M {
  const method = allowed.find((m) => m === value);
  if (!method) throw invalidArgument(`${field} must be one of ${allowed.map((m) => `"${m}"`).join(', ')}.`);
  return method;
}
