#!/usr/bin/env node
import { ConfigError, parseCommandLine, resolveConfig } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { serve } from '../server/serve.ts';
import { clientCreate } from './client-create.ts';
import { keysRotate } from './keys-rotate.ts';
import { userCreate } from './user-create.ts';

const USAGE = `Usage:
  semaswift-auth serve [--port N] [--db PATH|postgres://…] [--issuer URL] …
  semaswift-auth user create --email E --password P --org ORG [--role R]… [--name N]
  semaswift-auth keys rotate
  semaswift-auth client create --name N --redirect-uri URI [--redirect-uri URI]… [--public] [--scope S]… [--first-party]
Every flag has an environment twin: --access-token-ttl → SEMASWIFT_ACCESS_TOKEN_TTL.`;

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (command === 'serve') return runServer([sub, ...rest].filter((a): a is string => a !== undefined));
  if (command === 'user' && sub === 'create') return print(await userCreate(rest));
  if (command === 'keys' && sub === 'rotate') return print(await keysRotate(rest));
  if (command === 'client' && sub === 'create') return print(await clientCreate(rest));
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  throw new ConfigError(`Unknown command "${[command, sub].filter(Boolean).join(' ')}".\n${USAGE}`);
}

async function runServer(args: string[]): Promise<void> {
  const config = resolveConfig(parseCommandLine(args).values);
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

function print(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`semaswift-auth: ${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
