import type { InteractionResults } from 'oidc-provider';
import { AuthError } from '../errors/auth-error.ts';
import { sendResponse } from '../server/http-types.ts';
import type { UserRecord } from '../storage/store.ts';
import { approveConsent } from './consent.ts';
import {
  type InteractionDeps,
  type InteractionRequest,
  mfaHandleOf,
  setMfaHandle,
} from './interaction-context.ts';
import type { PageView } from './interaction-routes.ts';

type Show = (request: InteractionRequest, status: number, view?: PageView) => Promise<void>;

/** The status a refused step is shown with, and the Retry-After of a rate limit. */
function refusal(error: AuthError): { status: number; view: PageView } {
  if (error.code === 'RATE_LIMITED') {
    const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
    return {
      status: 429,
      view: { error: `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
    };
  }
  if (error.code === 'UNAVAILABLE')
    return { status: 503, view: { error: 'Sign-in is unavailable right now; try again shortly.' } };
  return { status: error.code === 'INVALID_ARGUMENT' ? 400 : 401, view: { error: error.message } };
}

/**
 * The POST actions of the sign-in pages. Each checks the CSRF token first, then that the
 * interaction is at the step the action belongs to, so a stale or replayed form cannot skip one.
 */
export function createInteractionActions(deps: InteractionDeps, show: Show) {
  const provider = () => deps.provider();

  /** Ends the interaction: oidc-provider redirects (303) back to the authorization endpoint. */
  async function finish(
    request: InteractionRequest,
    result: InteractionResults,
    merge: boolean,
  ): Promise<void> {
    for (const cookie of request.cookies) request.res.appendHeader('set-cookie', cookie);
    await provider().interactionFinished(request.req, request.res, result, {
      mergeWithLastSubmission: merge,
    });
  }

  /** The browser is signed in: oidc-provider's session gets the account and how it signed in. */
  async function signedIn(request: InteractionRequest, user: UserRecord, amr: string[]): Promise<void> {
    await finish(request, { login: { accountId: user.id, amr, remember: false, ts: deps.now() } }, false);
  }

  /** The consent prompt's scopes are granted (and remembered); back to the client. */
  async function approve(request: InteractionRequest): Promise<void> {
    const result = await approveConsent(
      { consents: deps.consents, now: deps.now },
      request.interaction,
      provider(),
    );
    return finish(request, result, true);
  }

  async function refused(request: InteractionRequest, error: unknown, view: PageView = {}): Promise<void> {
    if (!(error instanceof AuthError)) throw error;
    const { status, view: message } = refusal(error);
    if (error.retryAfterSeconds !== undefined)
      request.headers['retry-after'] = String(error.retryAfterSeconds);
    await show(request, status, { ...view, ...message });
  }

  const handlers: Record<string, (request: InteractionRequest, form: URLSearchParams) => Promise<void>> = {
    async login(request, form) {
      const email = form.get('email') ?? '';
      let user: UserRecord;
      try {
        user = await deps.passwordStep.check(email, form.get('password') ?? '', request.clientAddress);
      } catch (error) {
        return refused(request, error, { email });
      }
      const challenge = await deps.secondFactor.start(user);
      await deps.passwordStep.passed(user, request.clientAddress, challenge !== undefined);
      if (!challenge) return signedIn(request, user, ['pwd']);
      setMfaHandle(request, challenge.handle);
      redirectToStep(request);
    },

    async mfa(request, form) {
      const handle = mfaHandleOf(request.req);
      if (handle === undefined)
        return show(request, 400, { error: 'Sign in again: the verification step has expired.' });
      try {
        const { user, amr } = await deps.secondFactor.verify(
          handle,
          form.get('method') ?? '',
          form.get('code') ?? '',
          request.clientAddress,
        );
        setMfaHandle(request, undefined);
        return signedIn(request, user, amr);
      } catch (error) {
        if (
          error instanceof AuthError &&
          (error.code === 'TOKEN_INVALID' || error.code === 'TOKEN_EXPIRED')
        ) {
          setMfaHandle(request, undefined);
          return show(request, 401, { error: 'Sign in again: the verification step has expired.' });
        }
        return refused(request, error);
      }
    },

    async 'mfa/sms'(request) {
      const handle = mfaHandleOf(request.req);
      if (handle === undefined)
        return show(request, 400, { error: 'Sign in again: the verification step has expired.' });
      try {
        await deps.secondFactor.sendSms(handle);
      } catch (error) {
        return refused(request, error);
      }
      return show(request, 200, { notice: 'We sent a code to your phone. It is valid for a few minutes.' });
    },

    async consent(request, form) {
      if (form.get('decision') !== 'allow') {
        return finish(
          request,
          { error: 'access_denied', error_description: 'The user denied the request.' },
          false,
        );
      }
      return approve(request);
    },

    async abort(request) {
      return finish(
        request,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
        false,
      );
    },
  };

  /** Which prompt each action belongs to. */
  const STEP_OF: Record<string, string> = {
    login: 'login',
    mfa: 'login',
    'mfa/sms': 'login',
    consent: 'consent',
    abort: '',
  };

  return {
    /** Submits a form: `action` is the last part of the path. */
    async submit(request: InteractionRequest, action: string, form: URLSearchParams): Promise<void> {
      if (!deps.csrf.verify(request.req, form)) {
        return show(request, 403, { error: 'This form has expired. Please try again.' });
      }
      const step = STEP_OF[action];
      const handler = handlers[action];
      if (!handler || (step !== '' && step !== request.interaction.prompt.name))
        return redirectToStep(request);
      return handler(request, form);
    },
    /**
     * A first-party client never shows the consent page: it is granted what it asks. (Its consent
     * step only comes up when the request itself asks for `prompt=consent`.)
     */
    approve,
  };
}

/** Back to the page of the current step (Post/Redirect/Get). */
function redirectToStep(request: InteractionRequest): void {
  const headers = { location: request.step.base, 'cache-control': 'no-store', 'set-cookie': request.cookies };
  sendResponse(request.res, 303, headers, '');
}
