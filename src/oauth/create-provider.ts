import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { clientSecretMatches } from './client-secret.ts';
import { createJwtTokenEndpoints, type JwtTokenEndpointDeps } from './jwt-token-endpoints.ts';
import { type ProviderConfigDeps, providerConfiguration } from './provider-config.ts';
import { authorizationPageHeaders, backChannelAnswers } from './provider-responses.ts';

export interface ProviderDeps extends ProviderConfigDeps, JwtTokenEndpointDeps {
  issuer: string;
  logger: Logger;
}

/**
 * One oidc-provider instance over our configuration and the key ring's keys as they are now (a
 * rotation builds a new one: oidc-provider fixes its keys at construction). These behaviours are
 * added to the instance's own classes and middleware, nothing global:
 * - client secrets are compared against their stored hash (the maintainer's suggested hook);
 * - ID tokens from the token endpoint carry `at_hash` (OIDC Core §3.1.3.6 allows it; the
 *   contract wants it), which oidc-provider adds only at the authorization endpoint;
 * - the back-channel endpoints answer as the RFCs say, and the authorization endpoint's pages
 *   (form_post) carry a Content-Security-Policy (provider-responses.ts);
 * - introspection and revocation understand our JWT access tokens (jwt-token-endpoints.ts).
 */
export function createProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.issuer, providerConfiguration(deps));
  // Every request reaching it has X-Forwarded-Proto/-Host set from the issuer (oauth-handler.ts).
  provider.proxy = true;

  provider.Client.prototype.compareClientSecret = function compareClientSecret(
    this: { clientSecret?: string },
    actual: string,
  ) {
    return clientSecretMatches(this.clientSecret, actual);
  };
  addAtHash(provider);
  // In this order: the corrections see the JWT endpoints' answers too.
  provider.use(backChannelAnswers());
  provider.use(authorizationPageHeaders());
  provider.use(createJwtTokenEndpoints(deps));

  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    deps.logger.error({ err: error }, 'OAuth provider error');
  });
  // Koa reports errors it answered itself (a client closing early); log them, never print them.
  (provider as unknown as NodeJS.EventEmitter).on('error', (error: Error) =>
    deps.logger.warn({ err: error }, 'OAuth provider request failed'),
  );
  return provider;
}

function addAtHash(provider: Provider): void {
  const issued = new WeakMap<object, string>();
  const accessToken = provider.AccessToken.prototype;
  const save = accessToken.save;
  accessToken.save = async function saveAndRemember(this: object, ...args: Parameters<typeof save>) {
    const value = await save.apply(this, args);
    issued.set(this, value);
    return value;
  };
  const idToken = provider.IdToken.prototype;
  const issue = idToken.issue;
  idToken.issue = function issueWithAtHash(this: InstanceType<Provider['IdToken']>, options) {
    const at = options.use === 'idtoken' ? this.ctx?.oidc?.entities?.AccessToken : undefined;
    const value = at && issued.get(at);
    // oidc-provider hashes the value it is given (left half of SHA-256, base64url) when signing.
    if (value && this.extra.at_hash === undefined) this.set('at_hash', value);
    return issue.call(this, options);
  };
}
