import type { Logger } from 'pino';
import type { PasswordHasher } from '../auth/password-hasher.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { Store } from '../storage/store.ts';
import { createDisableMfa, type DisableMfa } from './disable-mfa.ts';
import { createCodeHasher } from './mfa-hashes.ts';
import { type Clock, DEFAULT_MFA_POLICY, type MfaPolicy, systemClock } from './mfa-policy.ts';
import { createMfaSignIn, type MfaSignIn } from './mfa-sign-in.ts';
import { createMfaStatus, type MfaStatus } from './mfa-status.ts';
import { createSecondFactors } from './second-factors.ts';
import { createSmsCodes } from './sms-codes.ts';
import { createSmsEnrolment, type SmsEnrolment } from './sms-enrolment.ts';
import { chooseSmsSender, type SmsSender } from './sms-sender.ts';
import { createTotpEnrolment, type TotpEnrolment } from './totp-enrolment.ts';
import { createTotpSealer } from './totp-sealer.ts';

/** The MFA domain, as the transports use it. */
export interface Mfa {
  signIn: MfaSignIn;
  totp: TotpEnrolment;
  sms: SmsEnrolment;
  disable: DisableMfa;
  status(userId: string): Promise<MfaStatus>;
}

export interface MfaDeps {
  store: Store;
  secret: ServerSecret;
  hasher: PasswordHasher;
  bruteForce: BruteForceGuard;
  sessions: Sessions;
  logger: Logger;
  /** `--sms-webhook-url`. */
  smsWebhookUrl: string | undefined;
  /** NODE_ENV=production: no SMS codes in the log. */
  production: boolean;
  /** Replaces the sender `smsWebhookUrl` and `production` would choose. */
  smsSender?: SmsSender;
  policy?: Partial<MfaPolicy>;
  now?: Clock;
}

/** Builds the MFA domain. TOTP secrets are sealed under `secret.subkey('totp')`, codes keyed by another subkey. */
export function createMfa(deps: MfaDeps): Mfa {
  const { store, hasher, bruteForce, sessions } = deps;
  const policy = { ...DEFAULT_MFA_POLICY, ...deps.policy };
  const now = deps.now ?? systemClock;
  const sealer = createTotpSealer(deps.secret.subkey('totp'));
  const hashCode = createCodeHasher(deps.secret.subkey('mfa-codes'));
  const sender =
    deps.smsSender ??
    chooseSmsSender({
      webhookUrl: deps.smsWebhookUrl,
      production: deps.production,
      timeoutMs: policy.smsWebhookTimeoutMs,
      logger: deps.logger,
    });
  const smsCodes = createSmsCodes({ store, sender, hashCode, policy, now });
  const factors = createSecondFactors({ store, sealer, smsCodes, hashCode, now });
  return {
    signIn: createMfaSignIn({ store, factors, smsCodes, bruteForce, sessions, policy, now }),
    totp: createTotpEnrolment({ store, sealer, hashCode, policy, now }),
    sms: createSmsEnrolment({ store, smsCodes, now }),
    disable: createDisableMfa({ store, hasher, bruteForce, factors }),
    status: createMfaStatus({ store, factors }),
  };
}
