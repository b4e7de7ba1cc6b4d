import { Code } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { ErrorInfoSchema } from '../gen/google/rpc/error_details_pb.js';
import { AuthError } from './auth-error.ts';
import { errorBody, errorHeaders, httpStatusOf, toAuthError, toConnectError } from './error-mapping.ts';

describe('error mapping', () => {
  it.each([
    ['INVALID_ARGUMENT', 400, Code.InvalidArgument],
    ['INVALID_CREDENTIALS', 401, Code.Unauthenticated],
    ['TOKEN_EXPIRED', 401, Code.Unauthenticated],
    ['TOKEN_INVALID', 401, Code.Unauthenticated],
    ['INSUFFICIENT_PERMISSIONS', 403, Code.PermissionDenied],
    ['RATE_LIMITED', 429, Code.ResourceExhausted],
    ['UNAVAILABLE', 503, Code.Unavailable],
  ] as const)('maps %s to HTTP %i and gRPC %i with ErrorInfo', (code, status, grpcCode) => {
    const error = new AuthError(code, 'message');
    expect(httpStatusOf(code)).toBe(status);
    const connectError = toConnectError(error);
    expect(connectError.code).toBe(grpcCode);
    expect(connectError.findDetails(ErrorInfoSchema)[0]).toMatchObject({
      reason: code,
      domain: 'auth.semaswift.com',
    });
    expect(errorBody(error)).toEqual({ error: { code, message: 'message' } });
  });

  it('keeps WWW-Authenticate printable ASCII whatever the message says', () => {
    const header = errorHeaders(new AuthError('TOKEN_INVALID', 'bad “token” … \\ done'))['www-authenticate'];
    expect(header).toBe('Bearer error="invalid_token", error_description="bad token   done"');
  });

  it('sends Retry-After with a rate limit', () => {
    expect(errorHeaders(new AuthError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 42 }))).toEqual({
      'retry-after': '42',
    });
  });

  it('never leaks an unexpected failure', () => {
    const error = toAuthError(new Error('SQLITE_CORRUPT: secret path /var/db'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('Internal error.');
  });
});
