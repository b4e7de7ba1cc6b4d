import { describe, expect, it } from 'vitest';
import { type FlagTable, parseCommandLine, UsageError } from './command-line.ts';

const TABLE: FlagTable = {
  port: { type: 'string' },
  org: { type: 'string' },
  role: { type: 'string', multiple: true },
  public: { type: 'boolean' },
};

const values = (args: string[]) => {
  const line = parseCommandLine(args, TABLE);
  if (line.help) throw new Error('help');
  return line.values;
};

describe('parseCommandLine', () => {
  it('reads spaced, = and boolean flags, and collects repeatable ones', () => {
    expect(values(['--port', '80', '--org=acme', '--public', '--role', 'a', '--role=b'])).toEqual({
      port: '80',
      org: 'acme',
      public: true,
      role: ['a', 'b'],
    });
  });

  it('takes a value that starts with a single dash, and one with -- only after =', () => {
    expect(values(['--port', '-1'])).toEqual({ port: '-1' });
    expect(values(['--org=--x'])).toEqual({ org: '--x' });
  });

  it.each([
    [['--bogus', '1'], 'unknown flag --bogus'],
    [['-x'], 'unknown flag -x'],
    [['--org'], '--org needs a value'],
    [['--org', '--public'], '--org needs a value'],
    [['--org', 'a', '--org', 'b'], '--org is given more than once'],
    [['--public', '--public'], '--public is given more than once'],
    [['--public=no'], '--public takes no value'],
    [['extra'], 'unexpected argument "extra"'],
    [['--', '--port'], 'unexpected argument "--port"'],
    [['--constructor', 'x'], 'unknown flag --constructor'],
  ])('refuses %j: %s', (args, message) => {
    expect(() => parseCommandLine(args, TABLE)).toThrow(UsageError);
    expect(() => parseCommandLine(args, TABLE)).toThrow(message);
  });

  it.each([
    [['--help']],
    [['-h']],
    [['--bogus', '--help']],
    [['--org', '-h']],
    [['--org', 'a', '--org', 'b', '-h']],
  ])('answers help for %j, mistakes or not', (args) => {
    expect(parseCommandLine(args, TABLE)).toEqual({ help: true });
  });
});
