import type { KeyRing } from '../keys/key-ring.ts';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';

type Handler = (req: HttpRequest, res: HttpResponse) => boolean;

/** Verifiers may cache the JWKS briefly; a rotation is published well within a token's lifetime. */
const JWKS_MAX_AGE_SECONDS = 300;

/** `GET /.well-known/jwks.json`: every published public key (RFC 7517). */
export function createWellKnownHandler(deps: { keyRing: KeyRing }): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/.well-known/jwks.json') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      methodNotAllowed(req, res, '/.well-known/jwks.json', ['GET', 'HEAD']);
      return true;
    }
    const body = JSON.stringify(deps.keyRing.jwks());
    const headers = {
      'content-type': 'application/jwk-set+json',
      'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
    };
    sendResponse(res, 200, headers, req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
