import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '../gen/google/rpc/error_details_pb.js';
import { AuthError, type ErrorCode } from './auth-error.ts';

/** The `domain` of every `google.rpc.ErrorInfo` we send. */
export const ERROR_DOMAIN = 'auth.semaswift.com';

interface Mapping {
  readonly httpStatus: number;
  readonly grpcCode: Code;
}

/** Each documented code mapped once to its HTTP status and gRPC code. */
const MAPPINGS: Record<ErrorCode, Mapping> = {
  INVALID_ARGUMENT: { httpStatus: 400, grpcCode: Code.InvalidArgument },
  INVALID_CREDENTIALS: { httpStatus: 401, grpcCode: Code.Unauthenticated },
  TOKEN_EXPIRED: { httpStatus: 401, grpcCode: Code.Unauthenticated },
  TOKEN_INVALID: { httpStatus: 401, grpcCode: Code.Unauthenticated },
  INSUFFICIENT_PERMISSIONS: { httpStatus: 403, grpcCode: Code.PermissionDenied },
  RATE_LIMITED: { httpStatus: 429, grpcCode: Code.ResourceExhausted },
  NOT_FOUND: { httpStatus: 404, grpcCode: Code.NotFound },
  METHOD_NOT_ALLOWED: { httpStatus: 405, grpcCode: Code.Unimplemented },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, grpcCode: Code.InvalidArgument },
  ALREADY_EXISTS: { httpStatus: 409, grpcCode: Code.AlreadyExists },
  UNAVAILABLE: { httpStatus: 503, grpcCode: Code.Unavailable },
  INTERNAL: { httpStatus: 500, grpcCode: Code.Internal },
};

export function httpStatusOf(code: ErrorCode): number {
  return MAPPINGS[code].httpStatus;
}

/** Anything thrown becomes an AuthError; unknown failures become INTERNAL with a generic message. */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof ConnectError && error.code === Code.InvalidArgument) {
    return new AuthError('INVALID_ARGUMENT', error.rawMessage, { cause: error });
  }
  return new AuthError('INTERNAL', 'Internal error.', { cause: error });
}

/**
 * Response headers an error carries on HTTP: `WWW-Authenticate` on 401 and on 403 for missing
 * permissions (RFC 6750 §3), `Retry-After` on 429.
 */
export function errorHeaders(error: AuthError): Record<string, string> {
  const headers: Record<string, string> = {};
  const status = httpStatusOf(error.code);
  if (status === 401) {
    // RFC 6750 §3.1: no error code when the request had no credential, or when it was a password.
    headers['www-authenticate'] =
      error.code === 'INVALID_CREDENTIALS' || error.credentialMissing
        ? 'Bearer'
        : `Bearer error="invalid_token", error_description="${headerSafe(error.message)}"`;
  }
  // RFC 6750 §3.1: a credential that is valid but not enough is `insufficient_scope`.
  if (error.code === 'INSUFFICIENT_PERMISSIONS') {
    headers['www-authenticate'] =
      `Bearer error="insufficient_scope", error_description="${headerSafe(error.message)}"`;
  }
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return headers;
}

/** RFC 6750 §3: error_description is printable ASCII without `"` and `\\`. */
const headerSafe = (text: string): string => text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');

/** The REST body of CONTRACT §4: `{"error":{"code":"…","message":"…"}}`. */
export function errorBody(error: AuthError): { error: { code: ErrorCode; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

/** The gRPC/Connect form: the mapped code, with a `google.rpc.ErrorInfo` whose reason is our code. */
export function toConnectError(error: AuthError): ConnectError {
  const metadata = new Headers();
  for (const [name, value] of Object.entries(errorHeaders(error))) metadata.set(name, value);
  return new ConnectError(
    error.message,
    MAPPINGS[error.code].grpcCode,
    metadata,
    [{ desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { reason: error.code, domain: ERROR_DOMAIN }) }],
    error,
  );
}
