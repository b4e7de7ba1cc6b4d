import * as client from 'openid-client';
import type { RegisteredClient } from './oauth-server.ts';

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * A relying party built on openid-client v6, as a third-party app would be: discovery from the
 * issuer, client_secret_basic (or post, or none for a public client), plain http for the tests.
 */
export async function relyingParty(
  issuer: string,
  registered: RegisteredClient,
  auth: 'basic' | 'post' = 'basic',
): Promise<client.Configuration> {
  const secret = registered.client_secret;
  const method =
    secret === undefined
      ? client.None()
      : auth === 'basic'
        ? client.ClientSecretBasic(secret)
        : client.ClientSecretPost(secret);
  return client.discovery(new URL(issuer), registered.client_id, undefined, method, {
    execute: [client.allowInsecureRequests],
  });
}

/** An authorization URL with PKCE (S256), state and nonce, as openid-client builds it. */
export async function authorizationRequest(
  config: client.Configuration,
  redirectUri: string,
  scope: string,
  extra: Record<string, string> = {},
): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, state, nonce, codeVerifier, redirectUri };
}

/** Redeems the code of `callback` (the URL the browser was sent back to), checking state, nonce and the ID token. */
export function redeem(config: client.Configuration, request: AuthorizationRequest, callback: string) {
  return client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

export { client };
