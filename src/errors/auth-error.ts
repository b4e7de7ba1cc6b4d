/**
 * The closed set of error codes of the public contract (CONTRACT §4), plus the few that a server
 * needs beyond it (NOT_FOUND for unknown paths, UNAVAILABLE when storage is unreachable, INTERNAL).
 * A value, not only a type, so that the OpenAPI document lists exactly these.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'INSUFFICIENT_PERMISSIONS',
  'RATE_LIMITED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'ALREADY_EXISTS',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AuthErrorOptions {
  /** Seconds until a rate-limited caller may try again (the `Retry-After` header). */
  retryAfterSeconds?: number;
  /** The underlying failure: logged, never sent to the client. */
  cause?: unknown;
  /** The request carried no credential at all (RFC 6750 §3.1: the challenge then names no error). */
  credentialMissing?: boolean;
}

/**
 * The one error type of the domain. Its `message` is safe to show to a client: it never names a
 * secret, a token or whether an account exists. Transports map it once, in `error-mapping.ts`.
 */
export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly credentialMissing: boolean;

  constructor(code: ErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.credentialMissing = options.credentialMissing === true;
  }
}

export const invalidArgument = (message: string): AuthError => new AuthError('INVALID_ARGUMENT', message);
export const tokenInvalid = (message = 'The token is malformed, revoked or missing.'): AuthError =>
  new AuthError('TOKEN_INVALID', message);
/** No credential at all: TOKEN_INVALID, whose challenge carries no error code. */
export const credentialRequired = (
  message = 'A credential is required: Authorization: Bearer or X-API-Key.',
): AuthError => new AuthError('TOKEN_INVALID', message, { credentialMissing: true });
export const tokenExpired = (message = 'The token has expired.'): AuthError =>
  new AuthError('TOKEN_EXPIRED', message);
export const insufficientPermissions = (missing: readonly string[]): AuthError =>
  new AuthError('INSUFFICIENT_PERMISSIONS', `This call needs the permission ${missing.join(', ')}.`);
