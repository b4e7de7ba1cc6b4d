import type { OAuthStore } from '../oauth/oauth-store.ts';
import { oauthIdHash } from '../oauth/provider-adapter.ts';
import { SESSION_COOKIE } from '../oauth/provider-config.ts';
import type { HttpRequest } from '../server/http-types.ts';
import { readCookies, serializeCookie } from '../web/cookies.ts';

/**
 * Ends the provider's browser session, so that signing out of the dashboard also signs the
 * browser out of `/oauth2/auth` (the next sign-in asks for the password again). Resolves the
 * `Set-Cookie` values that remove the session cookie and its signature.
 *
 * The provider has no session end endpoint (RP-initiated logout is off), so this does what that
 * endpoint would: it deletes the `Session` record the cookie names, the way oidc-provider's
 * adapter stores it (by the hash of its id). Only the holder of the cookie can name the record:
 * its id is the session's secret.
 */
export function createProviderSessionEnd(deps: {
  store: Pick<OAuthStore, 'destroyOAuthRecord'>;
  secure: boolean;
}) {
  const clear = (name: string) =>
    serializeCookie(name, '', { path: '/', maxAge: 0, secure: deps.secure, sameSite: 'Lax' });
  return async (req: HttpRequest): Promise<string[]> => {
    const sessionId = readCookies(req.headers).get(SESSION_COOKIE);
    if (sessionId && /^[\w-]{10,128}$/.test(sessionId)) {
      await deps.store.destroyOAuthRecord('Session', oauthIdHash(sessionId));
    }
    return [clear(SESSION_COOKIE), clear(`${SESSION_COOKIE}.sig`)];
  };
}
