import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HttpHandler } from '../server/http-types.ts';
import type { Metrics } from './metrics.ts';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One log line per request, with its request id (Envoy's `x-request-id` when it sent one, echoed
 * back). Only the path is logged, never the query string or headers: they may carry secrets.
 */
export function withRequestLog(logger: Logger, metrics: Metrics, handler: HttpHandler): HttpHandler {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.observe(
        {
          method: req.method ?? '',
          status: String(res.statusCode),
          protocol: protocolOf(req.headers['content-type']),
        },
        seconds,
      );
      logger.info(
        {
          requestId,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          status: res.statusCode,
          ms: seconds * 1000,
          http: req.httpVersion,
        },
        'request',
      );
    });
    handler(req, res);
  };
}

/** Which of the main port's protocols a request speaks, from its content type. */
function protocolOf(contentType: string | undefined): string {
  if (contentType?.startsWith('application/grpc-web')) return 'grpc-web';
  if (contentType?.startsWith('application/grpc')) return 'grpc';
  if (contentType?.startsWith('application/connect+') || contentType?.startsWith('application/proto'))
    return 'connect';
  return 'http';
}
