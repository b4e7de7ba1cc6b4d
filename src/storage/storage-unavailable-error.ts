import { AuthError } from '../errors/auth-error.ts';

/**
 * A store call failed because the database could not be reached (refused, timed out, connection
 * cut, server shutting down or out of connections): not a bug, and not an answer. It is an
 * `AuthError('UNAVAILABLE')`, so every transport already answers it fail-closed, the way the error
 * mapping says (HTTP 503, gRPC UNAVAILABLE, an ext_authz denial with 503), and domain code that lets
 * AuthErrors through (the token verifier does) keeps it a 503 instead of turning it into a 401.
 * The driver's error stays in `cause`, for the log only.
 */
export class StorageUnavailableError extends AuthError {
  constructor(cause: unknown) {
    super('UNAVAILABLE', 'Storage is unreachable; try again shortly.', { cause });
    this.name = 'StorageUnavailableError';
  }
}
