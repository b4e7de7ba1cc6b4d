import http from 'node:http';
import { duplexPair } from 'node:stream';
import type { HttpHandler } from '../server/http-types.ts';

/** The status, headers and text of the handler's answer. */
export interface InProcessResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request to send; `path` includes any query. */
export interface InProcessRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A request to this server's own handler, without a socket: no port, no TLS, no network. */
export type InProcessFetch = (request: InProcessRequest) => Promise<InProcessResponse>;

/**
 * Sends HTTP/1.1 requests to `handler()` over an in-memory stream pair: the handler sees a real
 * Node request (so it runs exactly as for a client: request log, routing, oidc-provider), and the
 * caller gets the real response. Used by the dashboard to call the token endpoint as the OAuth
 * client it is, without knowing the port or trusting the TLS certificate of its own listener.
 * `host` is the issuer's host, so oidc-provider sees the request as addressed to the issuer.
 */
export function createInProcessFetch(handler: () => HttpHandler, host: string): InProcessFetch {
  const server = http.createServer((req, res) => handler()(req, res));
  return (request) =>
    new Promise((resolve, reject) => {
      const [clientSide, serverSide] = duplexPair();
      server.emit('connection', serverSide);
      const body = request.body ?? '';
      const req = http.request(
        {
          method: request.method,
          path: request.path,
          headers: {
            host,
            connection: 'close',
            'content-length': Buffer.byteLength(body),
            ...request.headers,
          },
          createConnection: () => clientSide,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            clientSide.destroy();
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('error', (error) => {
        clientSide.destroy();
        reject(error);
      });
      req.end(body);
    });
}
