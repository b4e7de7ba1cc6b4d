import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import type { Store } from '../storage/store.ts';
import { readCookies, serializeCookie } from '../web/cookies.ts';
import type { Csrf } from '../web/csrf.ts';
import { formActionSource, pageHeaders } from '../web/security-headers.ts';
import { isFirstParty } from './client-metadata.ts';
import type { StepContext } from './interaction-pages.ts';
import type { OAuthStore } from './oauth-store.ts';
import type { PasswordStep } from './password-step.ts';
import { INTERACTION_PATH } from './provider-config.ts';
import type { SecondFactorStep } from './second-factor-step.ts';

/** What the sign-in pages need. */
export interface InteractionDeps {
  /** The current oidc-provider instance (it is rebuilt when the signing keys change). */
  provider(): Provider;
  users: Pick<Store, 'findUserById'>;
  consents: Pick<OAuthStore, 'findOAuthConsent' | 'saveOAuthConsent'>;
  passwordStep: PasswordStep;
  secondFactor: SecondFactorStep;
  csrf: Csrf;
  /** Cookies get `Secure` (the issuer is https). */
  secure: boolean;
  now: () => number;
}

/** One request to a sign-in page, with what every step uses. */
export interface InteractionRequest {
  req: HttpRequest;
  res: HttpResponse;
  interaction: Interaction;
  step: StepContext;
  /** First-party clients skip the consent page. */
  firstParty: boolean;
  /** Where the flow may end up after a form post (the client's redirect URIs), for the CSP. */
  formActions: string[];
  /** `Set-Cookie` values to send with the answer. */
  cookies: string[];
  /** Other headers for the answer (`Retry-After`). */
  headers: Record<string, string>;
  /** Cookies get `Secure`. */
  secure: boolean;
  clientAddress: string;
}

/** The cookie that holds the open second-factor step's handle, for this interaction only. */
const MFA_COOKIE = 'semaswift_mfa';
const MFA_COOKIE_SECONDS = 10 * 60;

export const mfaHandleOf = (req: HttpRequest): string | undefined => readCookies(req.headers).get(MFA_COOKIE);

export function setMfaHandle(request: InteractionRequest, handle: string | undefined): void {
  request.cookies.push(
    serializeCookie(MFA_COOKIE, handle ?? '', {
      path: request.step.base,
      maxAge: handle === undefined ? 0 : MFA_COOKIE_SECONDS,
      secure: request.secure,
      sameSite: 'Lax',
    }),
  );
}

/**
 * Loads the interaction the browser's interaction cookie names (oidc-provider checks it is this
 * browser's) and the client it is for. Throws oidc-provider's SessionNotFound when there is none.
 */
export async function openInteraction(
  deps: InteractionDeps,
  req: HttpRequest,
  res: HttpResponse,
  uid: string,
): Promise<InteractionRequest> {
  const provider = deps.provider();
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new Error('interaction cookie and URL disagree');
  const client = await provider.Client.find(String(interaction.params.client_id));
  if (!client) throw new Error('interaction for an unknown client');
  const { token, setCookie } = deps.csrf.issue(req);
  const request: InteractionRequest = {
    req,
    res,
    interaction,
    step: {
      base: `${INTERACTION_PATH}/${uid}`,
      csrf: token,
      clientName: client.clientName ?? client.clientId,
    },
    firstParty: isFirstParty(client),
    formActions: (client.redirectUris ?? []).flatMap((uri) => formActionSource(uri) ?? []),
    cookies: setCookie ? [setCookie] : [],
    headers: {},
    secure: deps.secure,
    clientAddress: req.socket?.remoteAddress ?? 'unknown',
  };
  return request;
}

/** Answers with a page (no body for HEAD), the page headers and the pending cookies. */
export function sendPage(
  request: Pick<InteractionRequest, 'req' | 'res' | 'cookies' | 'formActions' | 'headers'>,
  status: number,
  page: string,
): void {
  const headers = { ...pageHeaders({ formActions: request.formActions }), ...request.headers };
  if (request.cookies.length > 0) (headers as Record<string, unknown>)['set-cookie'] = request.cookies;
  sendResponse(request.res, status, headers, request.req.method === 'HEAD' ? undefined : page);
}
