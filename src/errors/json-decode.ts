import { type AuthError, invalidArgument } from './auth-error.ts';

/**
 * The client's error for a request body protobuf's JSON parser refused. The parser's own message
 * quotes the offending value, which may be a password: the field is named, the value never is.
 */
export function jsonDecodeFailure(parserMessage: string): AuthError {
  const field = /cannot decode field [\w.]+?\.(\w+) /.exec(parserMessage)?.[1];
  return invalidArgument(field ? `${field} has the wrong type.` : 'The request is malformed.');
}
