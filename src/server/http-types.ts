import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/** A request on the main port, over HTTP/1.1 or HTTP/2. */
export type HttpRequest = IncomingMessage | Http2ServerRequest;
export type HttpResponse = ServerResponse | Http2ServerResponse;
/** The shape of `connectNodeAdapter`'s handler, and of every handler on the main port. */
export type HttpHandler = (req: HttpRequest, res: HttpResponse) => void;

/** Writes a whole response; `body` may be omitted (HEAD, 204). */
export function sendResponse(
  res: HttpResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body?: string,
): void {
  // The two response classes share this signature; TypeScript cannot call through their union.
  const target = res as ServerResponse;
  target.writeHead(
    status,
    body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
  );
  target.end(body);
}
