import type { Logger } from 'pino';
import { AuthError } from '../errors/auth-error.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import type { Mfa } from '../mfa/create-mfa.ts';
import type { PatManager } from '../pats/pat-manager.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import { type HttpHandler, type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import type { Store } from '../storage/store.ts';
import { createCsrf } from '../web/csrf.ts';
import { favicon, faviconIco } from '../web/favicon.ts';
import { FormBodyError, readForm } from '../web/form-body.ts';
import { html } from '../web/html.ts';
import { createInProcessFetch } from '../web/in-process-fetch.ts';
import { createCookieSealer } from '../web/sealed-cookie.ts';
import { isSameOriginPost, isTls, STRICT_TRANSPORT_SECURITY } from '../web/security-headers.ts';
import { createApiKeyRoutes } from './api-keys-routes.ts';
import { API_KEYS_PATH } from './api-keys-view.ts';
import { DASHBOARD_PATH } from './dashboard-client.ts';
import { createDashboardCookies, FLASH_SECONDS } from './dashboard-cookies.ts';
import { sendCardPage } from './dashboard-http.ts';
import { routeTable } from './dashboard-routes.ts';
import { dashboardScript } from './dashboard-script.ts';
import { dashboardStylesheet } from './dashboard-stylesheet.ts';
import { createProviderClient } from './provider-client.ts';
import { createProviderSessionEnd } from './provider-session.ts';
import { createSecurityRoutes } from './security-routes.ts';
import { createSignInFlow } from './sign-in-flow.ts';
import { createSignedInRunner } from './signed-in.ts';

/** What the dashboard is built from; each part reaches only the pages that use it. */
export interface DashboardDeps {
  issuer: string;
  authenticate: Authenticator;
  store: Pick<Store, 'findUserById' | 'listUsersByOrganization' | 'destroyOAuthRecord'>;
  pats: PatManager;
  mfa: Mfa;
  patMaxTtlDays: number;
  secret: Pick<ServerSecret, 'subkey'>;
  /** The main port's handler: the dashboard calls the token endpoint through it, in-process. */
  appHandler: () => HttpHandler;
  logger: Logger;
  now?: () => number;
}

const CALLBACK_PATH = `${DASHBOARD_PATH}/callback`;
const SIGN_OUT_PATH = `${DASHBOARD_PATH}/sign-out`;
const SIGNED_OUT_PATH = `${DASHBOARD_PATH}/signed-out`;

/**
 * `/dashboard` (CONTRACT §8): server-rendered pages, a first-party OAuth client of our own
 * provider (a backend-for-frontend). Answers true when the request was its own.
 */
export function createDashboard(deps: DashboardDeps) {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const secure = new URL(deps.issuer).protocol === 'https:';
  const cookies = createDashboardCookies({
    sealer: createCookieSealer(deps.secret.subkey('dashboard')),
    secure,
  });
  const csrf = createCsrf({ secure });
  const origin = new URL(deps.issuer).origin;
  const provider = createProviderClient({
    issuer: deps.issuer,
    fetch: createInProcessFetch(deps.appHandler, new URL(deps.issuer).host),
  });
  const flow = createSignInFlow({
    issuer: deps.issuer,
    cookies,
    provider,
    authenticate: deps.authenticate,
    csrf,
    logger: deps.logger,
    now,
  });
  const endProviderSession = createProviderSessionEnd({ store: deps.store, secure });
  const maxTtlSeconds = deps.patMaxTtlDays * 86_400;
  const table = routeTable(
    createApiKeyRoutes({ pats: deps.pats, users: deps.store, issuer: deps.issuer, maxTtlSeconds, now }),
    createSecurityRoutes({ mfa: deps.mfa, cookies }),
  );
  const runSignedIn = createSignedInRunner({
    table,
    flow,
    cookies,
    csrf,
    origin,
    users: deps.store,
    flashSeconds: FLASH_SECONDS,
  });

  /** Signs out even without a valid session: the token is revoked, the provider session ended. */
  async function signOut(req: HttpRequest, res: HttpResponse): Promise<void> {
    const form = await readForm(req);
    if (!isSameOriginPost(req, origin) || !csrf.verify(req, form)) {
      return sendCardPage(req, res, 403, {
        title: 'This form has expired',
        lead: 'Reload the page and try again.',
      });
    }
    const session = cookies.session.read(req);
    if (session) {
      await provider.revoke(session.accessToken).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'could not revoke the dashboard token at sign-out');
      });
    }
    const setCookie = [
      cookies.session.clear(),
      cookies.flash.clear(),
      cookies.pendingTotp.clear(),
      csrf.rotate().setCookie,
      ...(await endProviderSession(req)),
    ];
    sendResponse(
      res,
      303,
      { location: SIGNED_OUT_PATH, 'cache-control': 'no-store', 'set-cookie': setCookie },
      '',
    );
  }

  function notFound(req: HttpRequest, res: HttpResponse, status: 404 | 405, allow?: string): void {
    if (allow) res.setHeader('allow', allow);
    sendCardPage(req, res, status, {
      title: status === 404 ? 'Page not found' : 'Not allowed here',
      lead:
        status === 404 ? 'There is no such dashboard page.' : 'This page does not take that kind of request.',
      body: html`<p><a href="${API_KEYS_PATH}">Go to your API keys</a></p>`,
    });
  }

  async function route(req: HttpRequest, res: HttpResponse, path: string): Promise<void> {
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const only = (wanted: 'GET' | 'POST', run: () => void | Promise<void>) =>
      method === wanted ? run() : notFound(req, res, 405, wanted === 'GET' ? 'GET, HEAD' : 'POST');
    if (path === DASHBOARD_PATH || path === `${DASHBOARD_PATH}/`) {
      return only('GET', () =>
        sendResponse(res, 303, { location: API_KEYS_PATH, 'cache-control': 'no-store' }, ''),
      );
    }
    if (path === CALLBACK_PATH) return only('GET', () => flow.callback(req, res));
    if (path === SIGNED_OUT_PATH) return only('GET', () => flow.signedOut(req, res));
    if (path === SIGN_OUT_PATH) return only('POST', () => signOut(req, res));
    const action = method === 'GET' || method === 'POST' ? table[method].get(path) : undefined;
    if (action) return runSignedIn(req, res, path, method as 'GET' | 'POST', action);
    const allowed = [table.GET.has(path) ? 'GET, HEAD' : '', table.POST.has(path) ? 'POST' : ''].filter(
      Boolean,
    );
    notFound(req, res, allowed.length > 0 ? 405 : 404, allowed.join(', ') || undefined);
  }

  return async (req: HttpRequest, res: HttpResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const ours = path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`);
    const asset = [dashboardStylesheet, dashboardScript, favicon, faviconIco].find((a) => a.path === path);
    if (!ours && !asset) return false;
    if (isTls(req)) res.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    if (asset) return asset(req, res);
    try {
      await route(req, res, path);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      if (error instanceof FormBodyError) {
        sendCardPage(req, res, error.status, { title: 'The form could not be read', lead: error.message });
      } else if (error instanceof AuthError && error.code === 'UNAVAILABLE') {
        deps.logger.error({ err: error.cause ?? error, path }, 'dashboard page unavailable');
        sendCardPage(req, res, 503, {
          title: 'Temporarily unavailable',
          lead: 'Please try again in a moment.',
        });
      } else {
        deps.logger.error({ err: error, path }, 'dashboard page failed');
        sendCardPage(req, res, 500, { title: 'Something went wrong', lead: 'Please try again in a moment.' });
      }
    }
    return true;
  };
}
