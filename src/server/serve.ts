import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { createApp } from '../app/create-app.ts';
import type { Config } from '../config/config.ts';
import { startExtAuthzServer } from '../extauthz/grpc-server.ts';
import { loadServerSecret } from '../keys/server-secret.ts';
import { openStore } from '../storage/open-store.ts';
import { listen } from './listen.ts';

export interface RunningServer {
  /** The main port actually bound (useful with `--port 0`). */
  port: number;
  /** The ext_authz gRPC port, unless disabled. */
  extAuthzPort: number | undefined;
  /** Stops accepting, drains in-flight requests, closes storage. */
  close(): Promise<void>;
}

/** A development secret lives beside the SQLite file it goes with, else in ./data. */
function developmentKeyFileFor(db: string): string {
  const path = db.replace(/^sqlite:(\/\/)?/, '');
  const isFile = path !== ':memory:' && !/^[a-z][a-z0-9+.-]+:/i.test(path);
  return join(isFile ? dirname(path) : 'data', 'secret.key');
}

/** Starts the service described by `config`. */
export async function serve(config: Config, logger: Logger): Promise<RunningServer> {
  const secret = loadServerSecret({
    secretKey: config.secretKey,
    developmentKeyFile: developmentKeyFileFor(config.db),
    warn: (message) => logger.warn(message),
  });
  const store = await openStore(config.db, {
    onWarning: (message, error) => logger.warn({ err: error }, message),
  });
  const app = await createApp(config, { store, logger, secret });
  const tls =
    config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  const listener = await listen(app.handler, {
    host: config.host,
    port: config.port,
    ...(tls ? { tls } : {}),
  });
  const extAuthz =
    config.extAuthzPort === null
      ? undefined
      : await startExtAuthzServer(
          {
            authenticate: app.authenticate,
            audience: config.audience,
            metrics: app.metrics,
            isServing: () => app.health.serving,
          },
          { host: config.host, port: config.extAuthzPort },
        );
  logger.info(
    {
      port: listener.port,
      extAuthzPort: extAuthz?.port,
      host: config.host,
      tls: Boolean(tls),
      issuer: config.issuer,
    },
    'listening',
  );

  let closing: Promise<void> | undefined;
  return {
    port: listener.port,
    extAuthzPort: extAuthz?.port,
    close() {
      closing ??= (async () => {
        app.health.serving = false;
        await Promise.all([listener.close(), extAuthz?.close()]);
        await app.close();
        await store.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
