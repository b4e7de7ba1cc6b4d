import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { InProcessFetch } from '../web/in-process-fetch.ts';
import { DASHBOARD_CLIENT_ID, DASHBOARD_SCOPES, dashboardRedirectUri } from './dashboard-client.ts';
import type { SignInTransaction } from './dashboard-cookies.ts';

/** Why the provider did not give the dashboard its tokens; logged, never shown. */
export class ProviderClientError extends Error {
  override name = 'ProviderClientError';
}

/** What the dashboard keeps of a token response. */
export interface RedeemedTokens {
  accessToken: string;
  /** The ID token's subject, once its nonce, issuer and audience were checked. */
  subject: string;
}

/** The dashboard as an OAuth client (a public one: PKCE instead of a secret). */
export interface ProviderClient {
  /** A fresh transaction and the URL of `/oauth2/auth` that starts it. */
  begin(returnTo: string): { transaction: SignInTransaction; url: string };
  /** Exchanges a code at the token endpoint and checks the ID token against the transaction. */
  redeem(code: string, transaction: SignInTransaction): Promise<RedeemedTokens>;
  /** Revokes the access token (and with it its grant) at the revocation endpoint (RFC 7009). */
  revoke(accessToken: string): Promise<void>;
}

const random = () => randomBytes(32).toString('base64url');
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

/**
 * Talks to our own provider the way any relying party would (authorization code, PKCE S256,
 * state, nonce), but reaches its token and revocation endpoints in-process: the code and the
 * tokens never cross a network, and the dashboard needs neither the listener's port nor its
 * certificate. An ID token from our own token endpoint over that channel needs no signature check
 * (OIDC Core §3.1.3.7); its nonce, issuer and audience are checked all the same.
 */
export function createProviderClient(deps: { issuer: string; fetch: InProcessFetch }): ProviderClient {
  const redirectUri = dashboardRedirectUri(deps.issuer);
  return {
    begin(returnTo) {
      const transaction = { state: random(), nonce: random(), codeVerifier: random(), returnTo };
      const challenge = createHash('sha256').update(transaction.codeVerifier).digest('base64url');
      const query = form({
        response_type: 'code',
        client_id: DASHBOARD_CLIENT_ID,
        redirect_uri: redirectUri,
        scope: DASHBOARD_SCOPES.join(' '),
        state: transaction.state,
        nonce: transaction.nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      return { transaction, url: `${deps.issuer}/oauth2/auth?${query}` };
    },

    async redeem(code, transaction) {
      const response = await deps.fetch({
        method: 'POST',
        path: '/oauth2/token',
        headers: FORM_HEADERS,
        body: form({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: DASHBOARD_CLIENT_ID,
          code_verifier: transaction.codeVerifier,
        }),
      });
      const body = JSON.parse(response.body || '{}') as Record<string, unknown>;
      if (
        response.status !== 200 ||
        typeof body.access_token !== 'string' ||
        typeof body.id_token !== 'string'
      ) {
        throw new ProviderClientError(
          `token endpoint answered ${response.status} ${String(body.error ?? '')}`,
        );
      }
      const idToken = decodeJwt(body.id_token);
      const audiences = [idToken.aud].flat();
      if (idToken.nonce !== transaction.nonce) throw new ProviderClientError('ID token nonce mismatch');
      if (idToken.iss !== deps.issuer || !audiences.includes(DASHBOARD_CLIENT_ID) || !idToken.sub) {
        throw new ProviderClientError('ID token issued by someone else or for someone else');
      }
      return { accessToken: body.access_token, subject: idToken.sub };
    },

    async revoke(accessToken) {
      const response = await deps.fetch({
        method: 'POST',
        path: '/oauth2/revoke',
        headers: FORM_HEADERS,
        body: form({ token: accessToken, token_type_hint: 'access_token', client_id: DASHBOARD_CLIENT_ID }),
      });
      if (response.status !== 200) throw new ProviderClientError(`revocation answered ${response.status}`);
    },
  };
}
