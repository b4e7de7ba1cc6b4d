import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in SMS gateway adapter (`--sms-webhook-url`): it keeps what the server sends. */
export interface SmsInbox {
  url: string;
  /** The 6-digit code of the next message to `to` (waits up to 5 s for it). */
  nextCode(to: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSmsInbox(): Promise<SmsInbox> {
  const messages: Array<{ to: string; body: string }> = [];
  const waiting: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      messages.push(JSON.parse(text) as { to: string; body: string });
      for (const wake of waiting.splice(0)) wake();
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    async nextCode(to) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const at = messages.findIndex((m) => m.to === to);
        if (at >= 0) {
          const [message] = messages.splice(at, 1);
          const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1];
          if (!code) throw new Error(`no code in "${message?.body}"`);
          return code;
        }
        if (Date.now() > deadline) throw new Error(`no SMS to ${to}`);
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
