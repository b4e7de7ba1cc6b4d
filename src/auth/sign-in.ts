import { AuthError } from '../errors/auth-error.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { Store } from '../storage/store.ts';
import { emailKeyOf } from '../users/email.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { Sessions, TokenPair } from './sessions.ts';

export interface SignInDeps {
  store: Store;
  hasher: PasswordHasher;
  bruteForce: BruteForceGuard;
  sessions: Sessions;
}

export type SignIn = (email: string, password: string, clientAddress: string) => Promise<TokenPair>;

const INVALID_CREDENTIALS = 'Email or password incorrect.';

/**
 * Email and password sign-in. An unknown email costs the same argon2 work and gets the same answer
 * as a wrong password, so neither status, body nor timing tells whether an account exists.
 */
export function createSignIn(deps: SignInDeps): SignIn {
  const { store, hasher, bruteForce, sessions } = deps;
  return async (email, password, clientAddress) => {
    const account = emailKeyOf(email);
    const keys = { account, address: clientAddress };
    await bruteForce.assertAllowed(keys);
    const user = account ? await store.findUserByEmailKey(account) : undefined;
    const check = await hasher.verify(user?.passwordHash, password);
    if (!user || !check.ok) {
      await bruteForce.recordFailure(keys);
      throw new AuthError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    await bruteForce.recordSuccess(keys);
    if (check.rehash) await store.updatePasswordHash(user.id, check.rehash);
    return sessions.start(user, ['pwd']);
  };
}
