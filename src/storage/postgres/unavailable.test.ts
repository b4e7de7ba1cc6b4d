import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { toAuthError } from '../../errors/error-mapping.ts';
import { StorageUnavailableError } from '../storage-unavailable-error.ts';
import { failClosed, isConnectionFailure } from './unavailable.ts';

const databaseError = (code: string) =>
  Object.assign(new DatabaseError('server says no', 0, 'error'), { code });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.5:5432`), { code });

describe('isConnectionFailure', () => {
  it.each(['57P01', '57P02', '57P03', '53300', '08000', '08003', '08006'])('counts SQLSTATE %s', (code) => {
    expect(isConnectionFailure(databaseError(code))).toBe(true);
  });

  it.each(['23505', '40001', '42P01', '22P02', '57014'])('does not count SQLSTATE %s (our query)', (code) => {
    expect(isConnectionFailure(databaseError(code))).toBe(false);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'])(
    'counts %s',
    (code) => {
      expect(isConnectionFailure(systemError(code))).toBe(true);
    },
  );

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('counts pg’s "%s"', (message) => {
    expect(isConnectionFailure(new Error(message))).toBe(true);
  });

  it('looks inside AggregateError (several addresses) and cause chains', () => {
    expect(isConnectionFailure(new AggregateError([systemError('ECONNREFUSED')], 'all failed'))).toBe(true);
    expect(isConnectionFailure(new Error('wrapped', { cause: databaseError('57P01') }))).toBe(true);
    expect(isConnectionFailure(new Error('wrapped', { cause: databaseError('23505') }))).toBe(false);
  });

  it('does not count bugs and non-errors', () => {
    expect(isConnectionFailure(new TypeError('x is undefined'))).toBe(false);
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false);
    expect(isConnectionFailure(undefined)).toBe(false);
  });
});

describe('failClosed', () => {
  const methods = failClosed({
    unreachable: async () => {
      throw systemError('ECONNREFUSED');
    },
    buggy: async () => {
      throw databaseError('42P01');
    },
    fine: async (value: number) => value * 2,
  });

  it('turns a connection failure into a 503 UNAVAILABLE that keeps the cause for the log', async () => {
    const error = await methods.unreachable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    const mapped = toAuthError(error);
    expect(mapped.code).toBe('UNAVAILABLE');
    expect(mapped.message).not.toMatch(/10\.0\.0\.5|ECONNREFUSED/);
    expect((mapped.cause as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('lets other failures and results through unchanged', async () => {
    await expect(methods.buggy()).rejects.toBeInstanceOf(DatabaseError);
    await expect(methods.fine(21)).resolves.toBe(42);
  });
});
