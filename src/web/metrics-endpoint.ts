import type { Metrics } from '../observability/metrics.ts';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';

/**
 * `GET /metrics` in Prometheus' text format. It names no user, token or secret; still, scrape it
 * from inside the network (Envoy's sidecar routes only what you list).
 */
export function createMetricsEndpoint(metrics: Metrics) {
  return async (req: HttpRequest, res: HttpResponse): Promise<boolean> => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      methodNotAllowed(req, res, '/metrics', ['GET', 'HEAD']);
      return true;
    }
    const body = await metrics.registry.metrics();
    sendResponse(
      res,
      200,
      { 'content-type': metrics.registry.contentType },
      req.method === 'HEAD' ? undefined : body,
    );
    return true;
  };
}
