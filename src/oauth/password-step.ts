import type { PasswordHasher } from '../auth/password-hasher.ts';
import { AuthError } from '../errors/auth-error.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { Store, UserRecord } from '../storage/store.ts';
import { emailKeyOf } from '../users/email.ts';

export interface PasswordStep {
  /**
   * Checks an email and password as `POST /api/v1/auth/login` does: the same argon2 verification
   * (an unknown email costs the same and answers the same), the same brute-force accounting per
   * account and per client address, the attempt counted before it is checked. Throws
   * INVALID_CREDENTIALS or RATE_LIMITED; a right password must be followed by `passed`.
   */
  check(email: string, password: string, clientAddress: string): Promise<UserRecord>;
  /**
   * The password was right. Without a second factor the sign-in is complete and the account's
   * failures are cleared; with one, only this attempt is given back: the count of wrong codes
   * must survive a right password (src/mfa clears it once the code is right).
   */
  passed(user: UserRecord, clientAddress: string, secondFactorFollows: boolean): Promise<void>;
}

/** The password step of the sign-in page. */
export function createPasswordStep(deps: {
  store: Pick<Store, 'findUserByEmailKey' | 'updatePasswordHash'>;
  hasher: PasswordHasher;
  bruteForce: BruteForceGuard;
}): PasswordStep {
  const { store, hasher, bruteForce } = deps;
  return {
    async check(email, password, clientAddress) {
      const account = emailKeyOf(email);
      const keys = { account, address: clientAddress };
      await bruteForce.assertAllowed(keys);
      const user = account ? await store.findUserByEmailKey(account) : undefined;
      const verdict = await hasher.verify(user?.passwordHash, password);
      if (!user || !verdict.ok) {
        await bruteForce.recordFailure(keys);
        throw new AuthError('INVALID_CREDENTIALS', 'Email or password incorrect.');
      }
      if (verdict.rehash) await store.updatePasswordHash(user.id, verdict.rehash);
      return user;
    },
    async passed(user, clientAddress, secondFactorFollows) {
      const keys = { account: user.emailKey, address: clientAddress };
      // A success is honoured only while the account is not locked (see recordSuccess).
      if (secondFactorFollows) await bruteForce.assertAllowed(keys);
      else await bruteForce.recordSuccess(keys);
    },
  };
}
