import { describe, expect, it } from 'vitest';
import type { HttpHandler } from '../server/http-types.ts';
import { createInProcessFetch } from './in-process-fetch.ts';

describe('in-process fetch', () => {
  it('runs the handler on a real request and resolves its real response, without a socket', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const handler: HttpHandler = (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          host: req.headers.host,
          body,
          address: req.socket.remoteAddress,
        });
        (res as import('node:http').ServerResponse).writeHead(201, { 'x-answer': 'yes' }).end('{"ok":true}');
      });
    };
    const fetch = createInProcessFetch(() => handler, 'auth.example.com');
    const answers = await Promise.all(
      ['a=1', 'b=2'].map((body) => fetch({ method: 'POST', path: '/oauth2/token', body })),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 201, body: '{"ok":true}', headers: { 'x-answer': 'yes' } });
    }
    expect(seen).toEqual([
      { method: 'POST', url: '/oauth2/token', host: 'auth.example.com', body: 'a=1', address: undefined },
      { method: 'POST', url: '/oauth2/token', host: 'auth.example.com', body: 'b=2', address: undefined },
    ]);
  });

  it('rejects when the handler hangs up without an answer', async () => {
    const fetch = createInProcessFetch(() => (_req, res) => res.destroy(), 'auth.example.com');
    await expect(fetch({ method: 'GET', path: '/' })).rejects.toThrow();
  });
});
