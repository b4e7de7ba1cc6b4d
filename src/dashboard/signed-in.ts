import type { HttpRequest, HttpResponse } from '../server/http-types.ts';
import type { Store } from '../storage/store.ts';
import type { Csrf } from '../web/csrf.ts';
import { readForm } from '../web/form-body.ts';
import { html } from '../web/html.ts';
import { isSameOriginPost } from '../web/security-headers.ts';
import type { DashboardCookies } from './dashboard-cookies.ts';
import { type SignedIn, sendDashboardPage } from './dashboard-http.ts';
import { SECTIONS } from './dashboard-layout.ts';
import { type Action, pageFor, type RouteTable, sectionOf } from './dashboard-routes.ts';
import type { SignInFlow } from './sign-in-flow.ts';

/** What running a signed-in page needs. */
export interface SignedInDeps {
  table: RouteTable;
  flow: Pick<SignInFlow, 'principalOf' | 'start'>;
  cookies: DashboardCookies;
  csrf: Csrf;
  /** The issuer's origin: the only `Origin` a form post may come from. */
  origin: string;
  users: Pick<Store, 'findUserById'>;
  flashSeconds: number;
}

/**
 * Runs a page or form action for the signed-in user. The session cookie's access token goes through
 * the one authenticator on every request (expiry, signature, revoked grant); without a good one the
 * browser is sent to sign in (silently, while the provider's session lasts) and back to the page.
 * A form is refused (403) unless it carries the browser's CSRF token, and when the browser says it
 * was posted from another origin. The flash of the previous
 * action is read once, by the next page, and only by the user it was left for.
 */
export function createSignedInRunner(deps: SignedInDeps) {
  const { cookies, csrf } = deps;
  return async (
    req: HttpRequest,
    res: HttpResponse,
    path: string,
    method: 'GET' | 'POST',
    action: Action,
  ) => {
    const session = cookies.session.read(req);
    const principal = session && (await deps.flow.principalOf(session.accessToken));
    const user = principal && (await deps.users.findUserById(principal.userId));
    if (!principal || !user) {
      return deps.flow.start(res, pageFor(deps.table, path), session ? [cookies.session.clear()] : []);
    }
    const issued = csrf.issue(req);
    const ctx: SignedIn = {
      req,
      res,
      principal,
      user,
      csrf: issued.token,
      form: new URLSearchParams(),
      flash: undefined,
      cookies: issued.setCookie ? [issued.setCookie] : [],
      setFlash: (flash) =>
        ctx.cookies.push(cookies.flash.set({ ...flash, userId: user.id }, deps.flashSeconds)),
      clientAddress: req.socket?.remoteAddress ?? 'unknown',
    };
    if (method === 'POST') {
      ctx.form = await readForm(req);
      if (!isSameOriginPost(req, deps.origin) || !csrf.verify(req, ctx.form)) {
        const section = sectionOf(path);
        return sendDashboardPage(ctx, 403, {
          title: SECTIONS[section].title,
          section,
          error: 'This form has expired. Please try again.',
          body: html`<p><a href="${pageFor(deps.table, path)}">Back to ${SECTIONS[section].title}</a></p>`,
        });
      }
    } else if (req.method === 'GET') {
      // Read once, by the page a browser GETs (a HEAD would use up a token it never shows).
      const flash = cookies.flash.read(req);
      if (flash) {
        ctx.cookies.push(cookies.flash.clear());
        if (flash.userId === user.id) ctx.flash = flash;
      }
    }
    await action(ctx);
  };
}
