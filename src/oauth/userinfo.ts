import { AuthError } from '../errors/auth-error.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import type { Store } from '../storage/store.ts';
import { userClaims } from './token-claims.ts';

/** RFC 6750 §3 error answer of a protected resource. */
function bearerError(
  res: HttpResponse,
  status: 401 | 403,
  error: string | undefined,
  description: string,
): void {
  const challenge = error ? `Bearer error="${error}", error_description="${description}"` : 'Bearer';
  sendResponse(
    res,
    status,
    { 'content-type': 'application/json', 'cache-control': 'no-store', 'www-authenticate': challenge },
    JSON.stringify(error ? { error, error_description: description } : {}),
  );
}

/**
 * `/oauth2/userinfo` (OIDC Core §5.3), served by us rather than oidc-provider, whose endpoint only
 * takes its opaque tokens: it takes our access tokens, through the one authenticator, and answers
 * the claims the token's scopes allow (`openid` is required). The credential comes in the
 * Authorization header, never in the URL.
 */
export function createUserinfoHandler(deps: {
  authenticate: Authenticator;
  store: Pick<Store, 'findUserById'>;
}) {
  return async (req: HttpRequest, res: HttpResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      methodNotAllowed(req, res, '/oauth2/userinfo', ['GET', 'POST']);
      return;
    }
    let principal: Awaited<ReturnType<Authenticator>>;
    try {
      principal = await deps.authenticate({
        authorization: req.headers.authorization,
        pathAndQuery: req.url ?? '',
      });
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      // No credential at all gets a bare challenge (RFC 6750 §3.1).
      if (!req.headers.authorization) bearerError(res, 401, undefined, '');
      else bearerError(res, 401, 'invalid_token', 'The access token is invalid or expired.');
      return;
    }
    if (!principal.scopes?.includes('openid')) {
      bearerError(res, 403, 'insufficient_scope', 'The access token was not granted the openid scope.');
      return;
    }
    const user = await deps.store.findUserById(principal.userId);
    if (!user) {
      bearerError(res, 401, 'invalid_token', 'The account no longer exists.');
      return;
    }
    sendResponse(
      res,
      200,
      { 'content-type': 'application/json', 'cache-control': 'no-store' },
      JSON.stringify(userClaims(user, new Set(principal.scopes))),
    );
  };
}
