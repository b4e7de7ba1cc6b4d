import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import { FormBodyError, readForm } from '../web/form-body.ts';
import { pageHeaders } from '../web/security-headers.ts';
import { renderErrorPage } from './error-page.ts';

/**
 * The browser repeats the parameters as a URL, and Node refuses a request head (URL and cookies)
 * over 16 KiB: a longer query could never reach the endpoint, so it is refused here, where the
 * person can be told why.
 */
const MAX_QUERY_LENGTH = 8 * 1024;

/**
 * `POST /oauth2/auth` (OIDC Core §3.1.2.1): the form's parameters are sent back as a 303 to
 * `GET /oauth2/auth?<the same parameters>`, so every authorization request takes the one GET path.
 * oidc-provider could take the POST itself, but only with SameSite=None cookies, which browsers
 * drop on plain-http loopback issuers and which would let any site send the session along.
 */
export async function redirectAuthorizationPost(req: HttpRequest, res: HttpResponse): Promise<void> {
  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch (error) {
    if (!(error instanceof FormBodyError)) throw error;
    sendResponse(res, error.status, pageHeaders(), renderErrorPage('invalid_request', error.message));
    return;
  }
  const query = form.toString();
  if (query.length > MAX_QUERY_LENGTH) {
    const message = 'The authorization request is too large.';
    sendResponse(res, 413, pageHeaders(), renderErrorPage('invalid_request', message));
    return;
  }
  const location = query === '' ? '/oauth2/auth' : `/oauth2/auth?${query}`;
  sendResponse(res, 303, { location, 'cache-control': 'no-store' }, '');
}
