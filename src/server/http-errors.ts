import type { Logger } from 'pino';
import { AuthError } from '../errors/auth-error.ts';
import { errorBody, errorHeaders, httpStatusOf, toAuthError } from '../errors/error-mapping.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from './http-types.ts';

/** Turns anything thrown into the AuthError to send, logging the causes the client never sees. */
export type ErrorReporter = (error: unknown) => AuthError;

export function createErrorReporter(logger: Logger): ErrorReporter {
  return (error) => {
    const authError = toAuthError(error);
    if (authError.code === 'INTERNAL' || authError.code === 'UNAVAILABLE') {
      logger.error({ err: authError.cause ?? authError, code: authError.code }, 'request failed');
    }
    return authError;
  };
}

/** Writes the contract's JSON error with its status and headers. */
export function writeJsonError(res: HttpResponse, error: AuthError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {
    ...errorHeaders(error),
    'content-type': 'application/json',
    'cache-control': 'no-store',
  };
  // The rest of an oversized HTTP/1.1 body is never read: the connection cannot carry another request.
  if (error.code === 'PAYLOAD_TOO_LARGE' && res.req?.httpVersionMajor === 1) headers.connection = 'close';
  sendResponse(res, httpStatusOf(error.code), headers, JSON.stringify(errorBody(error)));
}

/** A known path asked with another method: 405 with `Allow`, in the contract's error shape. */
export function methodNotAllowed(
  req: HttpRequest,
  res: HttpResponse,
  path: string,
  allowed: readonly string[],
): void {
  res.setHeader('allow', allowed.join(', '));
  writeJsonError(res, new AuthError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}.`));
}
