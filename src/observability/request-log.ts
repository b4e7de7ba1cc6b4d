import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HttpHandler } from '../server/http-types.ts';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One log line per request, with its request id (Envoy's `x-request-id` when it sent one, echoed
 * back). Only the path is logged, never the query string or headers: they may carry secrets.
 */
export function withRequestLog(logger: Logger, handler: HttpHandler): HttpHandler {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.once('finish', () => {
      logger.info(
        {
          requestId,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          http: req.httpVersion,
        },
        'request',
      );
    });
    handler(req, res);
  };
}
