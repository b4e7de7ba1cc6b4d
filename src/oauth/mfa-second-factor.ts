import { mfaTokenHash } from '../mfa/mfa-hashes.ts';
import type { MfaSignIn } from '../mfa/mfa-sign-in.ts';
import type { MfaStatus } from '../mfa/mfa-status.ts';
import type { Store, UserRecord } from '../storage/store.ts';
import type { SecondFactorStep } from './second-factor-step.ts';

/** Checks the code of a challenge without starting an API session; resolves who and how. */
export type VerifyMfaCode = (
  request: { mfaToken: string; method: string; code: string },
  clientAddress: string,
) => Promise<{ user: UserRecord; amr: string[] }>;

export interface MfaSecondFactorDeps {
  signIn: Pick<MfaSignIn, 'challenge' | 'sendCode'> & { verifyCode: VerifyMfaCode };
  status: (userId: string) => Promise<Pick<MfaStatus, 'methods'>>;
  store: Pick<Store, 'findMfaChallenge'>;
  now?: () => number;
}

/**
 * The sign-in page's second factor over src/mfa: the handle is the `mfa_token` of an MFA
 * challenge, so the page and `POST /api/v1/auth/mfa/verify` share one implementation: the same
 * single-use codes, the same limits per challenge and per account, the same `amr`.
 */
export function createMfaSecondFactorStep(deps: MfaSecondFactorDeps): SecondFactorStep {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    async start(user) {
      const challenge = await deps.signIn.challenge(user);
      return challenge && { handle: challenge.mfaToken, methods: [...challenge.methods] };
    },
    async methods(handle) {
      const challenge = await deps.store.findMfaChallenge(mfaTokenHash(handle));
      if (!challenge || challenge.spentAt !== null || challenge.expiresAt <= now()) return undefined;
      return [...(await deps.status(challenge.userId)).methods];
    },
    sendSms: (handle) => deps.signIn.sendCode({ mfaToken: handle, method: 'sms' }),
    verify: (handle, method, code, clientAddress) =>
      deps.signIn.verifyCode({ mfaToken: handle, method, code }, clientAddress),
  };
}
