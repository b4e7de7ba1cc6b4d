import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP forwarder to a database that a test can take down and bring back, on the same port. */
export interface TcpProxy {
  readonly port: number;
  /** Cuts every open connection and refuses new ones, as if the database had gone away. */
  stop(): Promise<void>;
  /** Accepts connections again on the same port. */
  start(): Promise<void>;
  /**
   * Keeps every connection open but lets nothing through, and accepts new ones that never reach
   * the database: a network that drops packets without a reset. `stop()` then `start()` ends it.
   */
  silence(): void;
}

/** Starts a proxy on a free local port forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let silent = false;
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // A cut connection errors on both sides; that is the point, not a failure of the test.
    socket.on('error', () => socket.destroy());
  };
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (!silent) to.write(chunk);
    });
  };
  const server = createServer((client) => {
    track(client);
    if (silent) return;
    const upstream = createConnection(target);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP port');
  const port = address.port;

  return {
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
    async start() {
      silent = false;
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    silence() {
      silent = true;
    },
  };
}
