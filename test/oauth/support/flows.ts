import { FormBrowser } from './form-browser.ts';
import type { OAuthTestServer, RegisteredClient } from './oauth-server.ts';
import { type AuthorizationRequest, authorizationRequest, redeem, relyingParty } from './relying-party.ts';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Follows an authorization request through the sign-in pages as a person would (password, then
 * consent when asked) and resolves the callback URL the browser is sent back to. `post` sends the
 * request's parameters as a form to the endpoint (OIDC Core §3.1.2.1) instead of in the URL.
 */
export async function authorizeWithForms(
  browser: FormBrowser,
  request: Pick<AuthorizationRequest, 'url' | 'redirectUri'>,
  credentials: Credentials,
  options: { post?: boolean } = {},
): Promise<string> {
  const endpoint = new URL(request.url.pathname, request.url.origin).href;
  let callback = options.post
    ? await browser.go(
        endpoint,
        { method: 'POST', form: Object.fromEntries(request.url.searchParams) },
        request.redirectUri,
      )
    : await browser.go(request.url.href, {}, request.redirectUri);
  for (let step = 0; callback === undefined && step < 4; step++) {
    if (browser.html.includes('/login"')) {
      callback = await browser.submit('login', { ...credentials }, request.redirectUri);
    } else if (browser.html.includes('/consent"')) {
      callback = await browser.submit('consent', { decision: 'allow' }, request.redirectUri);
    } else {
      throw new Error(`unexpected page ${browser.status} at ${browser.url}: ${browser.html.slice(0, 400)}`);
    }
  }
  if (callback === undefined) throw new Error('the sign-in never returned to the client');
  return callback;
}

export interface ClientSetup {
  registered: RegisteredClient;
  config: Awaited<ReturnType<typeof relyingParty>>;
  redirectUri: string;
}

/** Registers a confidential client with `scopes` and its openid-client configuration. */
export async function setUpClient(
  server: OAuthTestServer,
  scopes: string[],
  options: { isPublic?: boolean; firstParty?: boolean; redirectUri?: string } = {},
): Promise<ClientSetup> {
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:1/callback';
  const registered = await server.createClient({ redirectUris: [redirectUri], scopes, ...options });
  return { registered, config: await relyingParty(server.issuer, registered), redirectUri };
}

/** A whole sign-in with a fresh browser: the token response, checked by openid-client. */
export async function tokensFor(
  setup: ClientSetup,
  credentials: Credentials,
  scope: string,
  extra: Record<string, string> = {},
) {
  const request = await authorizationRequest(setup.config, setup.redirectUri, scope, extra);
  const callback = await authorizeWithForms(new FormBrowser(), request, credentials);
  return redeem(setup.config, request, callback);
}
