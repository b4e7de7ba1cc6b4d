import type { Principal } from '../principal/principal.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import type { UserRecord } from '../storage/store.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';
import { pageHeaders } from '../web/security-headers.ts';
import type { Flash } from './dashboard-cookies.ts';
import { type DashboardPage, renderDashboardPage } from './dashboard-layout.ts';

/** A request from a signed-in user, with what every page and action uses. */
export interface SignedIn {
  req: HttpRequest;
  res: HttpResponse;
  /** From the dashboard's access token, through the one authenticator. */
  principal: Principal;
  user: UserRecord;
  /** The CSRF token for the forms of the page. */
  csrf: string;
  /** The posted form (POST only, its CSRF token checked). */
  form: URLSearchParams;
  /** What the previous action left for this page (GET only; already cleared). */
  flash: Flash | undefined;
  /** `Set-Cookie` values to send with the answer. */
  cookies: string[];
  /** Sets the flash for the next page. */
  setFlash(flash: Omit<Flash, 'userId'>): void;
  clientAddress: string;
}

/**
 * Every dashboard page answer: the CSP with our script allowed, never cached (no-store), and a
 * referrer only for our own origin, so that the forms' posts carry the `Origin` we check.
 */
const dashboardHeaders = () => pageHeaders({ scripts: true, sameOrigin: true });

/** Answers with a dashboard page; the flash's notice or error shows unless the page has its own. */
export function sendDashboardPage(
  ctx: SignedIn,
  status: number,
  page: Omit<DashboardPage, 'account' | 'csrf'>,
): void {
  const body = renderDashboardPage({
    ...page,
    account: ctx.user.email,
    csrf: ctx.csrf,
    error: page.error ?? (page.errors?.length ? undefined : ctx.flash?.error),
    notice: page.notice ?? ctx.flash?.notice,
  });
  send(ctx.req, ctx.res, status, { ...dashboardHeaders(), 'set-cookie': ctx.cookies }, body);
}

/** Post/Redirect/Get: 303 to a dashboard page, with the pending cookies. */
export function redirectTo(ctx: Pick<SignedIn, 'res' | 'cookies'>, location: string): void {
  sendResponse(ctx.res, 303, { location, 'cache-control': 'no-store', 'set-cookie': ctx.cookies }, '');
}

/**
 * A page outside the signed-in shell (signed out, an error, the callback's continuation): the
 * card layout of the sign-in pages, one look for both.
 */
export function sendCardPage(
  req: HttpRequest,
  res: HttpResponse,
  status: number,
  page: { title: string; lead: string; body?: SafeHtml; cookies?: string[]; head?: SafeHtml },
): void {
  let body = renderPage({ title: page.title, lead: page.lead, body: page.body ?? html`` });
  // The shared layout has no slot for the head; the callback's continuation needs one line there.
  if (page.head) body = body.replace('</head>', `${page.head.value}\n</head>`);
  send(req, res, status, { ...pageHeaders(), 'set-cookie': page.cookies ?? [] }, body);
}

function send(
  req: HttpRequest,
  res: HttpResponse,
  status: number,
  headers: Record<string, string | string[] | number>,
  body: string,
): void {
  if (Array.isArray(headers['set-cookie']) && headers['set-cookie'].length === 0)
    delete headers['set-cookie'];
  sendResponse(res, status, headers, req.method === 'HEAD' ? undefined : body);
}
