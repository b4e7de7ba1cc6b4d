import type { PasswordHasher } from '../auth/password-hasher.ts';
import { AuthError, invalidArgument } from '../errors/auth-error.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { UserRecord } from '../storage/store.ts';
import { MFA_METHODS } from './mfa-policy.ts';
import type { MfaStore } from './mfa-store.ts';
import { parseMethod, type SecondFactors } from './second-factors.ts';

/** The proof for turning a method off: the password again, or a fresh code from a method that stays on. */
export interface DisableProof {
  password: string;
  code: string;
  codeMethod: string;
}

/** Turns a method off (TOTP takes its recovery codes with it). */
export type DisableMfa = (
  user: UserRecord,
  method: string,
  proof: DisableProof,
  clientAddress: string,
) => Promise<void>;

export interface DisableMfaDeps {
  store: MfaStore;
  hasher: PasswordHasher;
  bruteForce: BruteForceGuard;
  factors: SecondFactors;
}

/**
 * A stolen session alone must not be able to strip a user's second factor, so the call needs a
 * proof, and proofs share the account's brute-force budget with sign-in.
 */
export function createDisableMfa(deps: DisableMfaDeps): DisableMfa {
  const { store, hasher, bruteForce, factors } = deps;
  return async (user, methodName, proof, clientAddress) => {
    const method = parseMethod(methodName, 'method', MFA_METHODS);
    const enabled = await factors.enabledMethods(user.id);
    if (!enabled.includes(method)) throw invalidArgument(`${method} is not enabled for this account.`);
    const staying = enabled.filter((m) => m !== method);
    let checkProof: () => Promise<AuthError | undefined>;
    if (proof.password !== '') {
      checkProof = async () => {
        const check = await hasher.verify(user.passwordHash, proof.password);
        return check.ok ? undefined : new AuthError('INVALID_CREDENTIALS', 'The password is incorrect.');
      };
    } else if (proof.code !== '') {
      if (staying.length === 0) {
        throw invalidArgument(`No other method stays on: give the password to turn ${method} off.`);
      }
      const codeMethod = parseMethod(proof.codeMethod, 'code_method', staying);
      const slot = { purpose: 'step_up', subject: user.id } as const;
      checkProof = async () => {
        const check = await factors.check(user.id, codeMethod, proof.code, slot);
        return check.ok ? undefined : check.error;
      };
    } else {
      throw invalidArgument('Give the password, or a code and its code_method from a method that stays on.');
    }

    const keys = { account: user.emailKey, address: clientAddress };
    await bruteForce.assertAllowed(keys);
    // Counted as a failure before checking, so that a burst of concurrent guesses (a thief of the
    // session trying every TOTP code) gets no more checks than the limit; a success clears it.
    await bruteForce.recordFailure(keys);
    const refusal = await checkProof();
    if (refusal) throw refusal;
    await bruteForce.recordSuccess(keys);

    if (method === 'totp') await store.deleteTotp(user.id);
    else await store.deleteSmsPhone(user.id);
  };
}
