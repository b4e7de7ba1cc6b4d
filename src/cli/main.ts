#!/usr/bin/env node
import { parseCommandLine, UsageError } from '../config/command-line.ts';
import { ConfigError, flagTableOf, OPTIONS, resolveConfig } from '../config/config.ts';
import { AuthError } from '../errors/auth-error.ts';
import { clientCreate } from './client-create.ts';
import { type Command, flagLines, serverFlagLines } from './command.ts';
import { keysRotate } from './keys-rotate.ts';
import { userCreate } from './user-create.ts';

const serveCommand: Command = {
  name: 'serve',
  summary: 'run the server',
  usage: `Usage: semaswift-auth serve [flags]

Runs the server. Every flag has an environment twin (--access-token-ttl ↔
SEMASWIFT_ACCESS_TOKEN_TTL); flags win.

${serverFlagLines()}`,
  flags: flagTableOf(OPTIONS),
  async run(values) {
    await runServer(resolveConfig(values));
  },
};

const COMMANDS: readonly Command[] = [serveCommand, userCreate, clientCreate, keysRotate];

const USAGE = `Usage: semaswift-auth <command> [flags]

${flagLines(COMMANDS.map((c) => [c.name, c.summary]))}

semaswift-auth <command> --help lists the command's flags.`;

/** The command being run, so that an error line names it and points at its `--help`. */
let current: Command | undefined;

async function main(argv: string[]): Promise<void> {
  const found = COMMANDS.find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  if (found === undefined) {
    const [first] = argv;
    if (first === undefined || first === 'help' || argv.some((a) => a === '--help' || a === '-h')) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (first.startsWith('-')) throw new UsageError(`a command comes before ${first}`);
    const near = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name);
    if (near.length === 0) throw new UsageError(`unknown command "${first}"`);
    const typed = argv[1] === undefined || argv[1].startsWith('-') ? first : `${first} ${argv[1]}`;
    throw new UsageError(`unknown command "${typed}" (did you mean ${near.join(' or ')}?)`);
  }
  current = found;
  const line = parseCommandLine(argv.slice(found.name.split(' ').length), found.flags);
  if (line.help) {
    process.stdout.write(`${found.usage}\n`);
    return;
  }
  const result = await found.run(line.values);
  if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function runServer(config: ReturnType<typeof resolveConfig>): Promise<void> {
  // Loaded here, not at the top: `--help` and the admin commands need none of the server.
  const [{ createLogger }, { serve }] = await Promise.all([
    import('../observability/logger.ts'),
    import('../server/serve.ts'),
  ]);
  const logger = createLogger(config.logLevel);
  const server = await serve(config, logger);
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * 2 for anything the caller typed wrong (the value of a flag or variable included), 1 for a
 * failure of the run itself (the database unreachable, the email already taken).
 */
function exitCodeOf(error: unknown): number {
  if (error instanceof ConfigError) return 2;
  if (error instanceof AuthError && error.code === 'INVALID_ARGUMENT') return 2;
  return 1;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = (error instanceof Error ? error.message : String(error)).replaceAll('\n', ' ');
  const command = current ? `${current.name} ` : '';
  const hint = error instanceof UsageError ? `; see semaswift-auth ${command}--help` : '';
  // One line, naming the command: a script's log shows it without context.
  process.stderr.write(`semaswift-auth: ${command ? `${current?.name}: ` : ''}${message}${hint}\n`);
  process.exit(exitCodeOf(error));
});
