import { DatabaseError } from 'pg';
import { StorageUnavailableError } from '../storage-unavailable-error.ts';

/**
 * SQLSTATEs meaning "the server cannot serve you now", not "your query is wrong": admin_shutdown,
 * crash_shutdown, cannot_connect_now (57P01-3) and too_many_connections (53300). Class 08
 * (connection exceptions) is matched by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket and resolver failures on the way to the server. */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * pg and pg-pool report a lost or never-made connection as plain Errors with these messages
 * (pg 8: client.js, pg-pool/index.js); matched by prefix so a detail added later still matches.
 */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'timeout expired',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
];

/** True when `error` (or what it wraps) says the database is out of reach rather than that we erred. */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  if (error instanceof DatabaseError) {
    const code = error.code ?? '';
    return UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08');
  }
  const errno = (error as { code?: unknown }).code;
  if (typeof errno === 'string' && NETWORK_ERRNOS.has(errno)) return true;
  if (CONNECTION_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  // Node reports a failed connect to a name with several addresses as an AggregateError.
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionFailure(inner, depth + 1)))
    return true;
  return isConnectionFailure(error.cause, depth + 1);
}

type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

/**
 * Wraps every method of `methods` so that a connection failure rejects with
 * {@link StorageUnavailableError} (a 503 for the caller) instead of the driver's error (a 500).
 * One place for the whole backend: a method added later is covered without thinking about it.
 */
export function failClosed<T extends AsyncMethods<T>>(methods: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods) as Array<
    [string, (...args: unknown[]) => Promise<unknown>]
  >) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw isConnectionFailure(error) ? new StorageUnavailableError(error) : error;
      }
    };
  }
  return wrapped as T;
}
