import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { HttpHandler } from './http-types.ts';

/** The client connection preface of HTTP/2 (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export interface ListenOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  /** How long shutdown waits for in-flight requests before closing connections anyway. */
  drainTimeoutMs?: number;
}

export interface Listener {
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * Serves HTTP/2 and HTTP/1.1 on one port. With TLS, ALPN picks the protocol. In cleartext, Node's
 * HTTP/2 server cannot fall back to HTTP/1.1, so each connection's first bytes are read: the HTTP/2
 * preface hands the socket to the h2c server, anything else to the HTTP/1.1 server.
 */
export async function listen(handler: HttpHandler, options: ListenOptions): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const busy = new Map<net.Socket, number>();
  // Bytes a connection had received when its last response finished: more since then means a
  // request is on its way in, and closing the connection would drop it.
  const readAtIdle = new WeakMap<net.Socket, number>();
  let closing = false;

  const tracked: HttpHandler = (req, res) => {
    const socket = req.socket as net.Socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    if (closing && req.httpVersionMajor === 1) res.setHeader('connection', 'close');
    res.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      readAtIdle.set(socket, socket.bytesRead);
      if (closing && left <= 0 && req.httpVersionMajor === 1) socket.end();
    });
    handler(req, res);
  };

  let server: net.Server;
  if (options.tls) {
    server = http2.createSecureServer({ ...options.tls, allowHTTP1: true }, tracked);
    server.on('session', (session: http2.ServerHttp2Session) => trackSession(session, sessions));
  } else {
    const h2c = http2.createServer({}, tracked);
    h2c.on('session', (session: http2.ServerHttp2Session) => trackSession(session, sessions));
    const h1 = http.createServer(tracked);
    server = net.createServer((socket) => sniff(socket, h2c, h1));
  }
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  server.listen(options.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      for (const socket of sockets) {
        const idle = !busy.has(socket) && socket.bytesRead === (readAtIdle.get(socket) ?? 0);
        if (idle && !isH2(socket, sessions)) socket.end();
      }
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, options.drainTimeoutMs ?? 10_000);
      await stopped;
      clearTimeout(timer);
    },
  };
}

function trackSession(session: http2.ServerHttp2Session, sessions: Set<http2.ServerHttp2Session>) {
  sessions.add(session);
  session.once('close', () => sessions.delete(session));
}

const isH2 = (socket: net.Socket, sessions: Set<http2.ServerHttp2Session>) =>
  [...sessions].some((s) => s.socket === socket);

/** Reads just enough of a cleartext connection to tell HTTP/2 from HTTP/1.1, then hands it over. */
function sniff(socket: net.Socket, h2c: http2.Http2Server, h1: http.Server): void {
  let seen = Buffer.alloc(0);
  const onReadable = () => {
    let chunk: Buffer | null;
    // biome-ignore lint/suspicious/noAssignInExpressions: the stream idiom for draining read()
    while ((chunk = socket.read() as Buffer | null) !== null) seen = Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, H2_PREFACE.length);
    const isPrefacePrefix = seen.subarray(0, compared).equals(H2_PREFACE.subarray(0, compared));
    if (isPrefacePrefix && seen.length < H2_PREFACE.length) return;
    socket.off('readable', onReadable);
    socket.off('end', onEnd);
    socket.unshift(seen);
    (isPrefacePrefix ? h2c : h1).emit('connection', socket);
  };
  const onEnd = () => socket.destroy();
  socket.on('readable', onReadable);
  socket.once('end', onEnd);
  socket.on('error', () => socket.destroy());
}
