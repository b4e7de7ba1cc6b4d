import type { Logger } from 'pino';
import type { PasswordHasher } from '../auth/password-hasher.ts';
import type { Config } from '../config/config.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import type { BruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import type { HttpRequest, HttpResponse } from '../server/http-types.ts';
import type { Store } from '../storage/store.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import { createCsrf } from '../web/csrf.ts';
import { createProvider } from './create-provider.ts';
import type { GrantLiveness } from './grant-liveness.ts';
import { createInteractionHandler } from './interaction-routes.ts';
import { createOAuthHandler, createProviderHost } from './oauth-handler.ts';
import { createPasswordStep } from './password-step.ts';
import type { SecondFactorStep } from './second-factor-step.ts';
import { createUserinfoHandler } from './userinfo.ts';

/** How often records past their expiry are deleted, and how long after expiry they are kept. */
const PURGE_INTERVAL_MS = 10 * 60_000;
/** A replayed code or refresh token found a while after expiry still revokes its grant. */
const PURGE_GRACE_SECONDS = 3600;

export interface OAuth {
  /** Serves discovery, the OAuth endpoints and the sign-in pages; true when the request was theirs. */
  handler(req: HttpRequest, res: HttpResponse): Promise<boolean>;
  close(): void;
}

export interface OAuthDeps {
  store: Store;
  keyRing: KeyRing;
  verifier: Pick<TokenVerifier, 'verifyAccessToken'>;
  authenticate: Authenticator;
  liveness: GrantLiveness;
  hasher: PasswordHasher;
  bruteForce: BruteForceGuard;
  secondFactor: SecondFactorStep;
  secret: ServerSecret;
  logger: Logger;
  now?: () => number;
}

/** The OAuth 2.0 / OpenID Connect provider (CONTRACT §7), wired from the domain's parts. */
export function createOAuth(
  config: Pick<Config, 'issuer' | 'audience' | 'accessTokenTtl' | 'refreshTokenTtl'>,
  deps: OAuthDeps,
): OAuth {
  const { store, liveness, logger } = deps;
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const secure = new URL(config.issuer).protocol === 'https:';
  const host = createProviderHost(deps.keyRing, (keys) =>
    createProvider({
      ...config,
      store,
      keys,
      cookieKey: deps.secret.subkey('oidc-cookies'),
      onGrantRevoked: (grantId) => liveness.markRevoked(grantId),
      verifier: deps.verifier,
      liveness,
      revokeGrant: (grantId) => store.revokeOAuthGrant(grantId),
      logger,
    }),
  );
  const interactions = createInteractionHandler({
    provider: () => host.current(),
    users: store,
    consents: store,
    passwordStep: createPasswordStep({ store, hasher: deps.hasher, bruteForce: deps.bruteForce }),
    secondFactor: deps.secondFactor,
    csrf: createCsrf({ secure }),
    secure,
    now,
  });
  const handler = createOAuthHandler({
    issuer: config.issuer,
    host,
    interactions,
    userinfo: createUserinfoHandler({ authenticate: deps.authenticate, store }),
    logger,
  });

  const purge = setInterval(() => {
    store.deleteOAuthRecordsExpiredBefore(now() - PURGE_GRACE_SECONDS).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not delete expired OAuth records');
    });
  }, PURGE_INTERVAL_MS);
  purge.unref();

  return {
    handler,
    close() {
      clearInterval(purge);
    },
  };
}
