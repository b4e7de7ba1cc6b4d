import type { AdapterPayload } from 'oidc-provider';
import type { OAuthClientRecord } from './oauth-store.ts';

/** True for a redirect URI a web client may use; anything else (a custom scheme) makes it native. */
const isWebUri = (uri: string): boolean => /^https?:\/\//i.test(uri);

/**
 * A stored client as oidc-provider's client metadata. Every client uses the code flow only, with
 * refresh tokens (issued only for `offline_access`) and RS256 ID tokens. `auth_time` rides on the
 * `openid` scope (provider-config.ts), not on `require_auth_time`, which would make oidc-provider
 * refuse plain OAuth 2.0 requests (no `openid`, no ID token). A confidential client may
 * authenticate with `client_secret_basic` or `client_secret_post` (oidc-provider accepts either
 * for a client registered with one); its `client_secret` is the stored hash, which
 * `compareClientSecret` (create-provider.ts) checks secrets against.
 */
export function clientMetadataOf(client: OAuthClientRecord): AdapterPayload {
  return {
    client_id: client.id,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    response_types: ['code'],
    // No `response_modes`: every mode the provider has (query, form_post, and fragment, which only
    // carries errors of refused implicit requests) is allowed, as discovery says. Listing them
    // would also turn a missing `response_type` into a misleading response_mode error.
    grant_types: ['authorization_code', 'refresh_token'],
    scope: client.scopes.join(' '),
    application_type: client.redirectUris.every(isWebUri) ? 'web' : 'native',
    id_token_signed_response_alg: 'RS256',
    first_party: client.firstParty,
    ...(client.secretHash === null
      ? { token_endpoint_auth_method: 'none' }
      : { token_endpoint_auth_method: 'client_secret_basic', client_secret: client.secretHash }),
  };
}

/** Whether a client (as oidc-provider holds it) was registered first-party. */
export const isFirstParty = (client: { metadata(): Record<string, unknown> } | undefined): boolean =>
  client?.metadata().first_party === true;
