import { ConfigError } from './config.ts';

/**
 * A mistake in how a command was typed (an unknown, repeated or valueless flag, a missing one):
 * the CLI points at `--help`, which a bad value's own message does not need.
 */
export class UsageError extends ConfigError {
  override name = 'UsageError';
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given more than once, values kept in order; any other flag may appear only once. */
  multiple?: boolean;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** Flag name (without `--`) → its value, its values when `multiple`, or `true` for a boolean. */
export type FlagValues = Record<string, string | string[] | true | undefined>;

export type CommandLine = { help: true } | { help: false; values: FlagValues };

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag` against `table`, plus `--help`/`-h`.
 *
 * Hand-written rather than `util.parseArgs` because of the value rule: the argument after a
 * string flag is its value even when it starts with a single dash (`--port -1` must reach the
 * range check, not fail as "ambiguous"), but never when it starts with `--`, so that a forgotten
 * value (`--org --role admin`) is reported instead of silently swallowing the next flag. A value
 * that really starts with `--` is written `--password=--x`.
 *
 * `--help` wins over any mistake on the same line, the way users expect from other CLIs: asking
 * for help with a half-typed command should give the help. Otherwise the first mistake throws a
 * UsageError naming the flag.
 */
export function parseCommandLine(args: readonly string[], table: FlagTable): CommandLine {
  const values: FlagValues = {};
  let mistake: string | undefined;
  let help = false;
  const refuse = (message: string) => {
    mistake ??= message;
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (isHelp(arg)) {
      help = true;
      continue;
    }
    if (arg === '--') {
      const rest = args.slice(i + 1);
      if (rest.length > 0) refuse(`unexpected argument "${rest[0]}"`);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      refuse(`unexpected argument "${arg}"`);
      continue;
    }
    if (!arg.startsWith('--')) {
      refuse(`unknown flag ${arg}`);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const spec = Object.hasOwn(table, name) ? table[name] : undefined;
    if (spec === undefined) {
      refuse(`unknown flag --${name}`);
      continue;
    }
    let value: string | true;
    if (spec.type === 'boolean') {
      if (equals !== -1) {
        refuse(`--${name} takes no value`);
        continue;
      }
      value = true;
    } else if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--') || isHelp(next)) {
        refuse(`--${name} needs a value`);
        continue;
      }
      value = next;
      i++;
    }
    const previous = values[name];
    if (spec.multiple) {
      values[name] = [...((previous as string[] | undefined) ?? []), value as string];
    } else if (previous !== undefined) {
      refuse(`--${name} is given more than once`);
    } else {
      values[name] = value;
    }
  }

  if (help) return { help: true };
  if (mistake !== undefined) throw new UsageError(mistake);
  return { help: false, values };
}
