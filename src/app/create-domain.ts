import type { Logger } from 'pino';
import { createPasswordHasher } from '../auth/password-hasher.ts';
import { createSessions } from '../auth/sessions.ts';
import type { Config } from '../config/config.ts';
import { createKeyRing } from '../keys/key-ring.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import { createMfa } from '../mfa/create-mfa.ts';
import { createGrantLiveness, type GrantLiveness } from '../oauth/grant-liveness.ts';
import { createLastUsedTracker } from '../pats/last-used-tracker.ts';
import { createPatAuthenticator } from '../pats/pat-authenticator.ts';
import { createPatManager } from '../pats/pat-manager.ts';
import { createAuthenticator } from '../principal/authenticator.ts';
import { createRemovedUsers } from '../principal/removed-users.ts';
import { createBruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import { openLimiterStore } from '../ratelimit/limiter-store.ts';
import type { Store } from '../storage/store.ts';
import { createTokenSigner } from '../tokens/token-signer.ts';
import { CLOCK_TOLERANCE_SECONDS, createTokenVerifier } from '../tokens/token-verifier.ts';
import { withVerifiedTokenCache } from '../tokens/verified-token-cache.ts';
import { permissionsOf } from '../users/roles.ts';
import { createUserDirectory } from '../users/user-directory.ts';
import { followStoreEvents } from './follow-store-events.ts';

export type DomainConfig = Pick<
  Config,
  | 'issuer'
  | 'audience'
  | 'accessTokenTtl'
  | 'refreshTokenTtl'
  | 'rateLimitStore'
  | 'environment'
  | 'patMaxTtlDays'
  | 'smsWebhookUrl'
>;

/**
 * The transport-free part of the service: keys, tokens, sessions, MFA, PATs, users, and the one
 * credential → principal function, each given only what it uses. `create-app.ts` puts the
 * transports on top.
 */
export async function createDomain(
  config: DomainConfig,
  deps: { store: Store; logger: Logger; secret: ServerSecret },
) {
  const { store, logger, secret } = deps;
  const keyRing = await createKeyRing({
    store,
    retentionSeconds: Math.max(config.accessTokenTtl, config.refreshTokenTtl) + 60,
  });
  const tokenOptions = { keyRing, issuer: config.issuer, audience: config.audience };
  const signer = createTokenSigner({ ...tokenOptions, ...config });
  const verifier = createTokenVerifier(tokenOptions);
  const hasher = await createPasswordHasher();
  const limiterStore = await openLimiterStore(config.rateLimitStore);
  const bruteForce = createBruteForceGuard(limiterStore.factory);
  const sessions = createSessions({ store, signer, verifier });
  const mfa = createMfa({
    store,
    secret,
    hasher,
    bruteForce,
    sessions,
    logger,
    smsWebhookUrl: config.smsWebhookUrl,
    production: process.env.NODE_ENV === 'production',
  });
  const users = createUserDirectory({
    store,
    hasher,
    // Here at once (the feed applies locally first), and on every other replica.
    onUserChanged: (userId, { removed }) =>
      changeFeed.announce({ type: 'user.changed', userId, ...(removed ? { removed } : {}) }),
  });
  const lastUsed = createLastUsedTracker(store, (error) =>
    logger.warn({ err: error }, 'last_used_at write failed'),
  );
  const patAuthenticator = createPatAuthenticator({
    store,
    secret,
    environment: config.environment,
    lastUsed,
  });
  const pats = createPatManager({
    store,
    lastUsed,
    secret,
    environment: config.environment,
    maxTtlSeconds: config.patMaxTtlDays * 86_400,
    onRevoked: (pat) => changeFeed.announce({ type: 'pat.revoked', tokenHash: pat.tokenHash }),
    ownerPermissions: async (userId) => {
      const owner = await store.findUserById(userId);
      return owner ? permissionsOf(owner.roles) : [];
    },
  });
  // Whether the grant behind an OAuth access token still stands (the token is a JWT).
  const grantLiveness = createGrantLiveness({ store });
  // OAuth access tokens may live as long as ours (both come from --access-token-ttl).
  const removedUsers = createRemovedUsers({
    rememberSeconds: config.accessTokenTtl + CLOCK_TOLERANCE_SECONDS,
  });
  const changeFeed = followStoreEvents({
    store,
    patAuthenticator,
    grants: grantLiveness,
    removedUsers,
    keyRing,
    logger,
  });
  // A grant revoked here is announced: this replica applies it at once, the others through the feed.
  const oauthGrants: GrantLiveness = {
    ...grantLiveness,
    markRevoked: (grantId) => changeFeed.announce({ type: 'grant.revoked', grantId }),
  };

  const authenticate = createAuthenticator({
    tokenVerifier: withVerifiedTokenCache(verifier),
    patAuthenticator,
    delegatedGrants: oauthGrants,
    removedUsers,
  });

  return {
    keyRing,
    signer,
    verifier,
    hasher,
    bruteForce,
    sessions,
    mfa,
    users,
    pats,
    patAuthenticator,
    oauthGrants,
    authenticate,
    async close() {
      changeFeed.stop();
      keyRing.stop();
      await lastUsed.stop();
      await limiterStore.close();
    },
  };
}
