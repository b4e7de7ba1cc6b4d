import { once } from 'node:events';
import net from 'node:net';
import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
}

export interface OAuthTestServer extends TestServer {
  /** `http://127.0.0.1:<port>`: the issuer, so a relying party's discovery checks pass as they would in production. */
  issuer: string;
  /** Rows of a query on the server's SQLite file (read-only), to look at what is stored. */
  rows<Row>(sql: string): Row[];
  /** `client create` through the real CLI. */
  createClient(options: {
    name?: string;
    redirectUris: string[];
    isPublic?: boolean;
    scopes?: string[];
    firstParty?: boolean;
  }): Promise<RegisteredClient>;
}

/** A port the OS just gave out and took back: free, unless something grabs it in the next instant. */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The real server whose issuer is its own address (discovery is then valid for a real relying
 * party over plain http). The port must be known before the server starts, hence chosen first.
 * `db` puts it on another store (PostgreSQL); the admin CLI then uses that store too.
 */
export async function startOAuthServer(options: { db?: string } = {}): Promise<OAuthTestServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = await startTestServer({ port, issuer, ...options });
  return {
    ...server,
    issuer,
    rows<Row>(sql: string) {
      const db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all() as Row[];
      } finally {
        db.close();
      }
    },
    async createClient(options) {
      const args = ['client', 'create', '--name', options.name ?? 'Acme Helpdesk'];
      for (const uri of options.redirectUris) args.push('--redirect-uri', uri);
      if (options.isPublic) args.push('--public');
      for (const scope of options.scopes ?? []) args.push('--scope', scope);
      if (options.firstParty) args.push('--first-party');
      return (await server.cli(args)) as RegisteredClient;
    },
  };
}
