// A gRPC load generator over raw HTTP/2, run as its own process: `node bench/h2-load.ts
// OPTIONS.json` with {url, path, frames: base64[], inFlight, seconds}. Each request sends the next
// frame of the list (so every request can carry a different token); prints one JSON result line.
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';

interface Options {
  url: string;
  path: string;
  frames: string[];
  inFlight: number;
  seconds: number;
  /** Stop after this many requests (e.g. one pass over distinct frames). */
  maxRequests?: number;
}

const options = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Options;
const frames = options.frames.map((f) => Buffer.from(f, 'base64'));
const session = connect(options.url);
const latencies: number[] = [];
let failed = 0;
let next = 0;
const deadline = performance.now() + options.seconds * 1000;

function one(): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const stream = session.request({
      ':method': 'POST',
      ':path': options.path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('trailers', (trailers) => {
      if (trailers['grpc-status'] !== '0') failed++;
    });
    stream.on('data', () => {});
    stream.on('end', () => {
      latencies.push(performance.now() - started);
      resolve();
    });
    stream.on('error', () => {
      failed++;
      resolve();
    });
    stream.end(frames[next++ % frames.length]);
  });
}

const started = performance.now();
await Promise.all(
  Array.from({ length: options.inFlight }, async () => {
    while (performance.now() < deadline && next < (options.maxRequests ?? Number.POSITIVE_INFINITY))
      await one();
  }),
);
const elapsed = (performance.now() - started) / 1000;
session.close();
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(3));
process.stdout.write(
  `${JSON.stringify({ rps: latencies.length / elapsed, total: latencies.length, p50: at(0.5), p99: at(0.99), failed })}\n`,
);
