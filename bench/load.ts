// The load generator, run as its own process so it never shares a core's event loop with the
// server: `node bench/load.ts '<scenario json>'` prints one JSON result line.
import autocannon, { type Request } from 'autocannon';

interface Scenario {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Refresh tokens to rotate through: each request spends one and returns its successor. */
  refreshTokens?: string[];
  connections: number;
  durationSeconds: number;
}

const scenario = JSON.parse(process.argv[2] ?? '{}') as Scenario;
const pool = [...(scenario.refreshTokens ?? [])];
const rotating = pool.length > 0;

const result = await autocannon({
  url: scenario.url,
  connections: scenario.connections,
  duration: scenario.durationSeconds,
  requests: [
    {
      method: scenario.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...scenario.headers },
      ...(scenario.body ? { body: scenario.body } : {}),
      ...(rotating
        ? {
            setupRequest: (request: Request) => ({
              ...request,
              body: JSON.stringify({ refresh_token: pool.shift() }),
            }),
            onResponse: (status: number, body: string) => {
              if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
            },
          }
        : {}),
    },
  ],
});

const non2xx = result.non2xx + result.errors + result.timeouts;
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: non2xx,
  })}\n`,
);
