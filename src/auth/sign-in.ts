import { AuthError } from '../errors/auth-error.ts';
import type { MfaChallenge, MfaSignIn } from '../mfa/mfa-sign-in.ts';
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
  mfa: Pick<MfaSignIn, 'challenge'>;
}

/** The token pair, or, for a user with MFA on, the challenge to finish with VerifyMfa. */
export type SignInResult = { kind: 'tokens'; tokens: TokenPair } | { kind: 'mfa'; challenge: MfaChallenge };

export type SignIn = (email: string, password: string, clientAddress: string) => Promise<SignInResult>;

const INVALID_CREDENTIALS = 'Email or password incorrect.';

/**
 * Email and password sign-in (the first of two steps when the user has MFA on). An unknown email
 * costs the same argon2 work and gets the same answer as a wrong password, so neither status, body
 * nor timing tells whether an account exists.
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
    if (check.rehash) await store.updatePasswordHash(user.id, check.rehash);
    const challenge = await deps.mfa.challenge(user);
    // With MFA on, the account's failure count stays until the code is right: else each correct
    // password would reset it, and a thief of the password could guess codes without end.
    if (challenge) {
      // Still honoured only if the account is not locked now (see recordSuccess).
      await bruteForce.assertAllowed(keys);
      return { kind: 'mfa', challenge };
    }
    await bruteForce.recordSuccess(keys);
    return { kind: 'tokens', tokens: await sessions.start(user, ['pwd']) };
  };
}
