import { type FlagTable, type FlagValues, UsageError } from '../config/command-line.ts';
import { envNameOf, OPTIONS, resolveStoreConfig, STORE_OPTIONS } from '../config/config.ts';
import { openStore } from '../storage/open-store.ts';
import type { Store } from '../storage/store.ts';

/** A subcommand: its words (`user create`), what `--help` prints, the flags it takes, and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagTable;
  /** Resolves what to print as JSON on stdout, or nothing (the server). */
  run(values: FlagValues): Promise<unknown>;
}

/** `--flag VALUE   meaning`, aligned, for a usage text. */
export function flagLines(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, meaning]) => `  ${flag.padEnd(width)}${meaning}`).join('\n');
}

/** Markdown backticks read as noise on a terminal. */
const plain = (doc: string) => doc.replaceAll('`', '');

/** The server flags with their twins and defaults, from the option table itself. */
export const serverFlagLines = (): string =>
  flagLines(
    OPTIONS.map((o) => [
      `--${o.flag}`,
      `${plain(o.doc)}${o.default === undefined ? '' : ` Default: ${o.default}.`}`,
    ]),
  );

const dbOption = STORE_OPTIONS[0];
/** The `--db` line every admin command's usage ends with. */
export const DB_FLAG_LINE: readonly [string, string] = [
  '--db DB',
  `the server's store (or ${envNameOf('db')}); default ${dbOption?.default}`,
];

/** Throws a UsageError naming the required flags that are missing or empty. */
export function requireFlags(values: FlagValues, names: readonly string[]): void {
  const missing = names.filter((name) => {
    const given = [values[name]].flat();
    return !given.some((value) => typeof value === 'string' && value.trim() !== '');
  });
  if (missing.length > 0) {
    const list = missing.map((name) => `--${name}`);
    const last = list.pop();
    throw new UsageError(`missing ${list.length > 0 ? `${list.join(', ')} and ${last}` : last}`);
  }
}

/**
 * The store an admin command acts on, from `--db` or `SEMASWIFT_DB` alone. A failure to open it
 * is a runtime failure (exit 1), said as such: the driver's own message (ECONNREFUSED, …) alone
 * does not tell an operator which setting to look at.
 */
export async function openCommandStore(values: FlagValues): Promise<Store> {
  const { db } = resolveStoreConfig(values);
  try {
    return await openStore(db);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the database (--db): ${reason}`, { cause: error });
  }
}
