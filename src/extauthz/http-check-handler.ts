import { errorBody, errorHeaders, httpStatusOf } from '../errors/error-mapping.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import type { HttpRequest, HttpResponse } from '../server/http-types.ts';
import { sendResponse } from '../server/http-types.ts';
import { repeatedCredentialHeader } from '../server/node-headers.ts';
import { authorizeRequest, type Decision } from './authorize-request.ts';
import { DEFAULT_POLICY } from './route-policy.ts';

/** Envoy's `http_service` sends `<path_prefix><original path>` here. */
export const EXT_AUTHZ_HTTP_PREFIX = '/ext_authz';

/**
 * ext_authz in HTTP mode (Envoy's `http_service`): 200 with the identity headers (Envoy copies
 * those listed in `allowed_upstream_headers`), or the denial with the contract's JSON body.
 * Per-route policy needs gRPC mode (`context_extensions` exist only there).
 */
export function createHttpCheckHandler(deps: { authenticate: Authenticator; audience: string }) {
  return async (req: HttpRequest, res: HttpResponse): Promise<boolean> => {
    const url = req.url ?? '/';
    if (url !== EXT_AUTHZ_HTTP_PREFIX && !url.startsWith(`${EXT_AUTHZ_HTTP_PREFIX}/`)) return false;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !name.startsWith(':')) headers[name] = value;
    }
    const path = url.slice(EXT_AUTHZ_HTTP_PREFIX.length) || '/';
    const repeatedHeader = repeatedCredentialHeader(req.rawHeaders);
    const decision: Decision = await authorizeRequest(
      deps.authenticate,
      { headers, path, repeatedHeader },
      DEFAULT_POLICY,
      deps.audience,
    );
    if (decision.allowed) {
      const headers: Record<string, string> = Object.fromEntries(decision.headersToSet);
      // Envoy's HTTP mode removes the headers named here from the upstream request: the PAT, and
      // any other x-semaswift-* the client sent (envoy-http.yaml must forward those to us).
      if (decision.headersToRemove.length > 0) {
        headers['x-envoy-auth-headers-to-remove'] = decision.headersToRemove.join(',');
      }
      sendResponse(res, 200, headers, '');
    } else {
      const { error } = decision;
      sendResponse(
        res,
        httpStatusOf(error.code),
        { ...errorHeaders(error), 'content-type': 'application/json' },
        JSON.stringify(errorBody(error)),
      );
    }
    return true;
  };
}
