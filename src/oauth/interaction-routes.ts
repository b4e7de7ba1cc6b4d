import { errors } from 'oidc-provider';
import type { HttpRequest, HttpResponse } from '../server/http-types.ts';
import { sendResponse } from '../server/http-types.ts';
import { FormBodyError, readForm } from '../web/form-body.ts';
import { pageHeaders } from '../web/security-headers.ts';
import { requestedByPrompt } from './consent.ts';
import { renderErrorPage } from './error-page.ts';
import { createInteractionActions } from './interaction-actions.ts';
import {
  type InteractionDeps,
  type InteractionRequest,
  mfaHandleOf,
  openInteraction,
  sendPage,
} from './interaction-context.ts';
import { consentPage, loginPage, mfaPage } from './interaction-pages.ts';
import { INTERACTION_PATH } from './provider-config.ts';
import { API_SCOPES, OIDC_SCOPES } from './scopes.ts';

/** `/oauth2/auth/interaction/<uid>` and `…/<uid>/<action>`; uids are oidc-provider's nanoids. */
const ROUTE = new RegExp(`^${INTERACTION_PATH}/([\\w-]{10,64})(?:/(login|mfa|mfa/sms|consent|abort))?$`);

/** The order scopes are listed in on the consent page. */
const SCOPE_ORDER = [...new Set([...OIDC_SCOPES, ...API_SCOPES])];

/** What a page shows besides the step itself: an error, a notice, the email typed. */
export interface PageView {
  error?: string | undefined;
  notice?: string | undefined;
  email?: string | undefined;
}

/**
 * The sign-in pages of `/oauth2/auth` (oidc-provider's interactions): a GET shows the step the
 * authorization request is at (password, second factor, consent); a POST to one of the actions
 * submits it. Answers true when the path was one of its own.
 */
export function createInteractionHandler(deps: InteractionDeps) {
  /** Renders the page for where the interaction is now. */
  async function show(request: InteractionRequest, status: number, view: PageView = {}): Promise<void> {
    const { interaction, step } = request;
    if (interaction.prompt.name === 'consent' && request.firstParty) return actions.approve(request);
    if (interaction.prompt.name === 'consent') {
      const user = await deps.users.findUserById(interaction.session?.accountId ?? '');
      const { oidc, resources } = requestedByPrompt(interaction.prompt);
      const wanted = new Set([...oidc, ...Object.values(resources).flat()]);
      const scopes = SCOPE_ORDER.filter((scope) => wanted.has(scope));
      sendPage(request, status, consentPage(step, { account: user?.email ?? 'unknown', scopes }));
      return;
    }
    const handle = mfaHandleOf(request.req);
    const methods = handle === undefined ? undefined : await deps.secondFactor.methods(handle);
    if (methods) {
      sendPage(request, status, mfaPage(step, { methods, error: view.error, notice: view.notice }));
      return;
    }
    const hint = interaction.params.login_hint;
    const email = view.email ?? (typeof hint === 'string' ? hint : undefined);
    sendPage(request, status, loginPage(step, { email, error: view.error }));
  }

  const actions = createInteractionActions(deps, show);

  return async (req: HttpRequest, res: HttpResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(`${INTERACTION_PATH}/`)) return false;
    const match = ROUTE.exec(path);
    const [, uid, action] = match ?? [];
    const method = req.method ?? 'GET';
    const allowed = action === undefined ? ['GET', 'HEAD'] : ['POST'];
    if (!uid || !allowed.includes(method)) {
      sendErrorPage(res, uid ? 405 : 404, uid ? 'method_not_allowed' : 'not_found', allowed);
      return true;
    }
    try {
      const request = await openInteraction(deps, req, res, uid);
      if (action === undefined) await show(request, 200);
      else await actions.submit(request, action, await readForm(req));
    } catch (error) {
      if (error instanceof FormBodyError) sendErrorPage(res, error.status, 'invalid_request');
      else if (error instanceof errors.SessionNotFound) sendErrorPage(res, 400, 'session_not_found');
      else throw error;
    }
    return true;
  };
}

function sendErrorPage(res: HttpResponse, status: number, error: string, allow?: string[]): void {
  const headers: Record<string, unknown> = { ...pageHeaders() };
  if (allow && status === 405) headers.allow = allow.join(', ');
  sendResponse(res, status, headers as Record<string, string>, renderErrorPage(error, undefined));
}
