import type { Logger } from 'pino';
import { AuthError } from '../errors/auth-error.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import type { Principal } from '../principal/principal.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import type { Csrf } from '../web/csrf.ts';
import { html } from '../web/html.ts';
import { DASHBOARD_CLIENT_ID, DASHBOARD_PATH } from './dashboard-client.ts';
import { type DashboardCookies, SIGN_IN_SECONDS } from './dashboard-cookies.ts';
import { sendCardPage } from './dashboard-http.ts';
import { type ProviderClient, ProviderClientError } from './provider-client.ts';

/** Dashboard pages a sign-in may return to: our own paths, nothing else (no open redirect). */
export const isDashboardPath = (path: string): boolean =>
  /^\/dashboard(\/[a-z0-9-]+)*$/.test(path) && !path.startsWith(`${DASHBOARD_PATH}/callback`);

/** What the sign-in side of the dashboard needs. */
export interface SignInFlowDeps {
  issuer: string;
  cookies: DashboardCookies;
  provider: ProviderClient;
  authenticate: Authenticator;
  csrf: Pick<Csrf, 'rotate'>;
  logger: Logger;
  now: () => number;
}

/** A form that starts a new sign-in: the card layout styles buttons, not links. */
const signInAgain = (label = 'Sign in again') =>
  html`<form method="get" action="${DASHBOARD_PATH}"><div class="actions"><button type="submit">${label}</button></div></form>`;

/**
 * The dashboard's side of the sign-in: a browser without a dashboard session goes to our own
 * `/oauth2/auth` (the sign-in pages, or nothing at all while the provider's session is alive), and
 * comes back to `/dashboard/callback`, where the code becomes the access token the session cookie
 * keeps.
 */
export function createSignInFlow(deps: SignInFlowDeps) {
  const { cookies } = deps;

  /** Whether a token is one our dashboard got, and still good; else undefined. */
  async function principalOf(accessToken: string): Promise<Principal | undefined> {
    try {
      const principal = await deps.authenticate({ authorization: `Bearer ${accessToken}` });
      return principal.clientId === DASHBOARD_CLIENT_ID ? principal : undefined;
    } catch (error) {
      if (error instanceof AuthError && (error.code === 'TOKEN_EXPIRED' || error.code === 'TOKEN_INVALID')) {
        return undefined;
      }
      throw error;
    }
  }

  function start(res: HttpResponse, returnTo: string, extraCookies: string[] = []): void {
    const { transaction, url } = deps.provider.begin(isDashboardPath(returnTo) ? returnTo : DASHBOARD_PATH);
    const setCookie = [...extraCookies, cookies.signIn.set(transaction, SIGN_IN_SECONDS)];
    sendResponse(res, 303, { location: url, 'cache-control': 'no-store', 'set-cookie': setCookie }, '');
  }

  async function callback(req: HttpRequest, res: HttpResponse): Promise<void> {
    const params = new URL(req.url ?? '', deps.issuer).searchParams;
    const transaction = cookies.signIn.read(req);
    const cleared = [cookies.signIn.clear()];
    const fail = (status: number, lead: string) =>
      sendCardPage(req, res, status, {
        title: 'Sign-in could not finish',
        lead,
        body: signInAgain(),
        cookies: cleared,
      });

    if (!transaction || params.get('state') !== transaction.state) {
      return fail(
        400,
        `This sign-in has expired or was started in another tab or browser. Open the dashboard at ${deps.issuer}${DASHBOARD_PATH} and sign in again.`,
      );
    }
    const iss = params.get('iss');
    if (iss !== null && iss !== deps.issuer) return fail(400, 'The sign-in answer came from another issuer.');
    const error = params.get('error');
    if (error === 'access_denied') {
      return sendCardPage(req, res, 200, {
        title: 'Sign-in cancelled',
        lead: 'You cancelled signing in to the dashboard.',
        body: signInAgain('Sign in'),
        cookies: cleared,
      });
    }
    const code = params.get('code');
    if (error !== null || !code) return fail(400, 'Semaswift could not sign you in. Please try again.');

    let session: { accessToken: string; principal: Principal } | undefined;
    try {
      const { accessToken, subject } = await deps.provider.redeem(code, transaction);
      const principal = await principalOf(accessToken);
      if (principal?.userId === subject) session = { accessToken, principal };
    } catch (failure) {
      if (!(failure instanceof ProviderClientError)) throw failure;
      deps.logger.warn({ err: failure }, 'dashboard sign-in failed at the token endpoint');
    }
    if (!session) return fail(400, 'Semaswift could not sign you in. Please try again.');
    const { expiresAt } = session.principal;
    const maxAge = Math.max(1, expiresAt - deps.now());
    cleared.push(
      cookies.session.set({ accessToken: session.accessToken, expiresAt }, maxAge),
      deps.csrf.rotate().setCookie,
    );
    // Not a redirect: the session cookie is SameSite=Strict, and a redirect would still belong to
    // a navigation another site may have started (a link in a mail), which gets no Strict cookie.
    // A refresh from this page of ours is a same-site navigation of its own.
    sendCardPage(req, res, 200, {
      title: 'Signed in',
      lead: 'Taking you to your dashboard…',
      head: html`<meta http-equiv="refresh" content="0; url=${transaction.returnTo}">`,
      body: html`<p><a href="${transaction.returnTo}">Continue to the dashboard</a></p>`,
      cookies: cleared,
    });
  }

  function signedOut(req: HttpRequest, res: HttpResponse): void {
    sendCardPage(req, res, 200, {
      title: 'You are signed out',
      lead: 'You signed out of the Semaswift dashboard on this browser.',
      body: signInAgain(),
    });
  }

  return { start, callback, signedOut, principalOf };
}

/** Start, callback, the signed-out page, and the check of a session's token. */
export type SignInFlow = ReturnType<typeof createSignInFlow>;
