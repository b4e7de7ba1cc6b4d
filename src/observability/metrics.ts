import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The service's Prometheus metrics, one registry per server (no global state). */
export interface Metrics {
  registry: Registry;
  /** Every HTTP request on the main port, by method, status class and protocol. */
  httpRequests: Histogram<'method' | 'status' | 'protocol'>;
  /** ext_authz decisions by result (`allow`, or the denial code) and credential type. */
  extAuthzChecks: Counter<'result' | 'method'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'semaswift_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'semaswift_http_request_duration_seconds',
      help: 'Main-port HTTP requests (REST, Connect, gRPC, gRPC-Web), by method, status and protocol.',
      labelNames: ['method', 'status', 'protocol'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    extAuthzChecks: new Counter({
      name: 'semaswift_extauthz_checks_total',
      help: 'Envoy ext_authz decisions: allow, or the denial code.',
      labelNames: ['result', 'method'],
      registers: [registry],
    }),
  };
}
