import { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Store } from '../storage/store.ts';
import { createLoadExistingGrant } from './consent.ts';
import { renderProviderError } from './error-page.ts';
import { createProviderAdapter } from './provider-adapter.ts';
import type { ProviderKeys } from './provider-keys.ts';
import { API_RESOURCE, API_SCOPES, DEFAULT_CLIENT_SCOPES, KNOWN_SCOPES, scopesHeldBy } from './scopes.ts';
import { createExtraTokenClaims, createFindAccount } from './token-claims.ts';

/** The provider's browser-session cookie (the dashboard ends the session by it on sign-out). */
export const SESSION_COOKIE = 'semaswift_session';

/** Where the sign-in pages live: under the authorization endpoint (CONTRACT §7). */
export const INTERACTION_PATH = '/oauth2/auth/interaction';

/** Lifetimes that are ours to choose (seconds); the token lifetimes come from the configuration. */
export const OAUTH_LIFETIMES = {
  /** RFC 6749 §4.1.2 recommends at most 10 minutes; a minute is plenty for a back channel. */
  authorizationCode: 60,
  /** How long a sign-in page stays usable. */
  interaction: 10 * 60,
  /** How long a browser stays signed in for later authorizations. */
  session: 12 * 3600,
} as const;

export interface ProviderConfigDeps {
  store: Store;
  keys: ProviderKeys;
  /** Signs oidc-provider's cookies (session, interaction): the same on every replica. */
  cookieKey: Buffer;
  audience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  onGrantRevoked: (grantId: string) => void;
}

/**
 * oidc-provider's configuration: the code flow only (PKCE S256, required for public clients),
 * our routes, our storage, our keys, our access tokens (a JWT for the `urn:semaswift:api` resource
 * with our claims), our pages. Everything not named by the contract is switched off.
 */
export function providerConfiguration(deps: ProviderConfigDeps): Configuration {
  const { store } = deps;
  const own = (client: { clientId: string }, token: { clientId?: string | undefined }) =>
    token.clientId === client.clientId;
  return {
    adapter: createProviderAdapter({ store, onGrantRevoked: deps.onGrantRevoked }),
    jwks: deps.keys.jwks,
    findAccount: createFindAccount(store),
    // auth_time and amr ride on `openid`: every ID token says when and how the user signed in.
    claims: {
      openid: ['sub', 'auth_time', 'amr'],
      profile: ['name'],
      email: ['email'],
      acr: null,
      sid: null,
    },
    // Permission scopes are listed too: a client's registered `scope` may name only these.
    scopes: [...KNOWN_SCOPES],
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    // RFC 6749 §4.1.3 wants redirect_uri at the token endpoint when the request had one, and OIDC
    // Core §3.1.2.1 wants it in every request: never filled in from the registration.
    allowOmittingSingleRegisteredRedirectUri: false,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    discovery: {
      // RFC 8414 §2: public clients may revoke (RFC 7009) but not introspect (provider-responses.ts).
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
      introspectionSigningAlgValues: ['RS256'],
      authorizationSigningAlgValues: ['RS256'],
      requestObjectSigningAlgValues: ['RS256'],
      clientAuthSigningAlgValues: ['RS256'],
    },
    extraClientMetadata: {
      properties: ['first_party'],
      validator(_ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new errors.InvalidClientMetadata('first_party must be a boolean');
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      // Our API does not check proof-of-possession: a DPoP-bound token would be a plain bearer token.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => own(client, token) },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => own(client, token) },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        // The token endpoint issues our API's token without the client naming the resource.
        useGrantedResource: async () => true,
        /**
         * The scopes our API's tokens may carry for this client and, once the user is known (signed
         * in at the authorization endpoint, the token's owner at the token endpoint), only the
         * permission scopes the user holds now. oidc-provider asks consent for, grants and issues
         * only these: the consent page never offers what the user lacks, and a token's `scope`
         * says what its `permissions` do (also after a role change, at the next refresh).
         */
        async getResourceServerInfo(ctx, indicator, client) {
          if (indicator !== API_RESOURCE) throw new errors.InvalidTarget();
          const allowed = new Set(client.scope?.split(' ') ?? DEFAULT_CLIENT_SCOPES);
          let scopes = API_SCOPES.filter((scope) => allowed.has(scope));
          const accountId = ctx.oidc.account?.accountId ?? ctx.oidc.session?.accountId;
          if (accountId !== undefined) {
            const user = await store.findUserById(accountId);
            scopes = scopesHeldBy(scopes, user?.roles ?? []);
          }
          return {
            scope: scopes.join(' '),
            audience: deps.audience,
            accessTokenTTL: deps.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: createExtraTokenClaims(store),
    loadExistingGrant: createLoadExistingGrant(store),
    rotateRefreshToken: true,
    clockTolerance: 5,
    ttl: {
      AccessToken: deps.accessTokenTtl,
      AuthorizationCode: OAUTH_LIFETIMES.authorizationCode,
      IdToken: deps.accessTokenTtl,
      Interaction: OAUTH_LIFETIMES.interaction,
      Session: OAUTH_LIFETIMES.session,
      // A refresh-token chain lives at most --refresh-token-ttl from the consent (its grant).
      Grant: deps.refreshTokenTtl,
      RefreshToken: (ctx: KoaContextWithOIDC) => {
        const grantEnds = ctx.oidc.entities.Grant?.exp;
        const now = Math.floor(Date.now() / 1000);
        return grantEnds === undefined
          ? deps.refreshTokenTtl
          : Math.max(1, Math.min(deps.refreshTokenTtl, grantEnds - now));
      },
    },
    routes: {
      authorization: '/oauth2/auth',
      token: '/oauth2/token',
      userinfo: '/oauth2/userinfo',
      revocation: '/oauth2/revoke',
      introspection: '/oauth2/introspect',
      jwks: '/.well-known/jwks.json',
      end_session: '/oauth2/logout',
      code_verification: '/oauth2/device',
      device_authorization: '/oauth2/device/auth',
      pushed_authorization_request: '/oauth2/par',
      registration: '/oauth2/register',
      backchannel_authentication: '/oauth2/backchannel',
      challenge: '/oauth2/challenge',
    },
    interactions: { url: async (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    cookies: {
      keys: [deps.cookieKey],
      names: {
        session: SESSION_COOKIE,
        interaction: 'semaswift_interaction',
        resume: 'semaswift_resume',
      },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    // The browser apps among public clients call the token endpoint cross-origin.
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientAuthMethod === 'none' &&
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) === true,
    renderError: renderProviderError,
  };
}
