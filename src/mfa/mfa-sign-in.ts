import type { Sessions, TokenPair } from '../auth/sessions.ts';
import { AuthError, invalidArgument, tokenExpired, tokenInvalid } from '../errors/auth-error.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { Store, UserRecord } from '../storage/store.ts';
import { looksLikeMfaToken, mfaTokenHash, newMfaToken } from './mfa-hashes.ts';
import { type Clock, CODE_METHODS, type MfaMethod, type MfaPolicy } from './mfa-policy.ts';
import type { MfaChallengeRecord } from './mfa-store.ts';
import { parseMethod, type SecondFactors } from './second-factors.ts';
import type { SmsCodes } from './sms-codes.ts';

/** What a correct password leads to for a user with MFA on. */
export interface MfaChallenge {
  mfaToken: string;
  methods: MfaMethod[];
}

/** The second step of signing in: the `mfa_token` of the password step, and a code. */
export interface MfaSignIn {
  /** After a correct password: a challenge when the user has any method on, else undefined. */
  challenge(user: UserRecord): Promise<MfaChallenge | undefined>;
  /**
   * Checks the code and answers the token pair (`amr`: `pwd` and the method's value). Every code
   * presented uses one of the token's tries; wrong guesses also count toward the account's limit.
   */
  verify(
    request: { mfaToken: string; method: string; code: string },
    clientAddress: string,
  ): Promise<TokenPair>;
  /**
   * `verify` without starting an API session: resolves the user and the sign-in's `amr`. For the
   * OAuth sign-in page, which signs the browser in instead.
   */
  verifyCode(
    request: { mfaToken: string; method: string; code: string },
    clientAddress: string,
  ): Promise<{ user: UserRecord; amr: string[] }>;
  /** Sends an SMS code for the sign-in (`method` must be "sms"). */
  sendCode(request: { mfaToken: string; method: string }): Promise<void>;
}

export interface MfaSignInDeps {
  store: Store;
  factors: SecondFactors;
  smsCodes: SmsCodes;
  bruteForce: BruteForceGuard;
  sessions: Sessions;
  policy: Pick<MfaPolicy, 'challengeTtl' | 'maxChallengeFailures'>;
  now: Clock;
}

const usedUp = () => tokenInvalid('The MFA token is unknown or used up.');

export function createMfaSignIn(deps: MfaSignInDeps): MfaSignIn {
  const { store, factors, bruteForce, sessions, policy, now } = deps;

  /** The live challenge `mfaToken` names, and its user. */
  async function open(mfaToken: string): Promise<{ challenge: MfaChallengeRecord; user: UserRecord }> {
    if (!looksLikeMfaToken(mfaToken)) throw tokenInvalid('The MFA token is malformed.');
    const challenge = await store.findMfaChallenge(mfaTokenHash(mfaToken));
    if (!challenge || challenge.spentAt !== null) throw usedUp();
    if (challenge.expiresAt <= now()) throw tokenExpired('The MFA token has expired; sign in again.');
    const user = await store.findUserById(challenge.userId);
    if (!user) throw tokenInvalid('The account no longer exists.');
    return { challenge, user };
  }

  const signIn: MfaSignIn = {
    async challenge(user) {
      const methods = await factors.enabledMethods(user.id);
      if (methods.length === 0) return undefined;
      const mfaToken = newMfaToken();
      const createdAt = now();
      await store.createMfaChallenge({
        tokenHash: mfaTokenHash(mfaToken),
        userId: user.id,
        createdAt,
        expiresAt: createdAt + policy.challengeTtl,
        failures: 0,
        spentAt: null,
      });
      return { mfaToken, methods };
    },

    async verify(request, clientAddress) {
      const { user, amr } = await signIn.verifyCode(request, clientAddress);
      return sessions.start(user, amr);
    },

    async verifyCode(request, clientAddress) {
      const method = parseMethod(request.method, 'method', CODE_METHODS);
      const { challenge, user } = await open(request.mfaToken);
      // The same account key as the password step: codes and passwords share one budget.
      const keys = { account: user.emailKey, address: clientAddress };
      await bruteForce.assertAllowed(keys);
      // Each try is counted before its code is checked, in one atomic step: however many requests
      // race on one mfa_token, at most maxChallengeFailures codes are checked against it. (The store
      // spends the token one try past the limit, so the last try can still succeed; a wrong last
      // try spends it below.)
      const max = policy.maxChallengeFailures;
      const tries = await store.recordMfaChallengeFailure(challenge.tokenHash, max + 1, now());
      if (tries > max) throw usedUp();
      const slot = { purpose: 'login', subject: challenge.tokenHash } as const;
      const check = await factors.check(user.id, method, request.code, slot);
      if (!check.ok) {
        if (tries === max) await store.spendMfaChallenge(challenge.tokenHash, now());
        if (check.guess) await bruteForce.recordFailure(keys);
        if (tries < max) throw check.error;
        throw new AuthError(check.error.code, `${check.error.message} No tries left: sign in again.`);
      }
      // Also refuses a second request that got a right code in at the same moment.
      if (!(await store.spendMfaChallenge(challenge.tokenHash, now()))) throw usedUp();
      await bruteForce.recordSuccess(keys);
      return { user, amr: ['pwd', check.amr] };
    },

    async sendCode(request) {
      if (request.method !== 'sms') throw invalidArgument('method must be "sms": only SMS codes are sent.');
      const { challenge, user } = await open(request.mfaToken);
      const phone = await store.findSmsPhone(user.id);
      if (!phone) throw invalidArgument('sms is not enabled for this account.');
      await deps.smsCodes.send(
        { purpose: 'login', subject: challenge.tokenHash },
        user.id,
        phone.phoneNumber,
      );
    },
  };
  return signIn;
}
