import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.ts';
import { normalizePhoneNumber, phoneNumberHint } from './phone-number.ts';
import { chooseSmsSender, createWebhookSmsSender } from './sms-sender.ts';

const MESSAGE = { to: '+4915112345678', body: 'Your Semaswift code is 123456' };
const servers: Server[] = [];

/** A gateway adapter on port 0 answering with `respond`; resolves its URL and what it received. */
async function gateway(respond: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: Array<{ contentType: string | undefined; body: unknown }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body: JSON.parse(text) });
      respond(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, received };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SMS webhook sender', () => {
  it('POSTs {"to","body"} as JSON and resolves on a 2xx', async () => {
    const { url, received } = await gateway((_req, res) => res.writeHead(202).end('queued'));
    await createWebhookSmsSender(url, { timeoutMs: 2000 }).send(MESSAGE);
    expect(received).toEqual([{ contentType: 'application/json', body: MESSAGE }]);
  });

  it('rejects on a non-2xx answer, naming the status and not the message', async () => {
    const { url } = await gateway((_req, res) => res.writeHead(500).end('boom'));
    const attempt = createWebhookSmsSender(url, { timeoutMs: 2000 }).send(MESSAGE);
    await expect(attempt).rejects.toThrow(/HTTP 500/);
    await expect(attempt).rejects.not.toThrow(/123456/);
  });

  it('rejects when the gateway does not answer within the timeout', async () => {
    const { url } = await gateway(() => {});
    await expect(createWebhookSmsSender(url, { timeoutMs: 100 }).send(MESSAGE)).rejects.toThrow(
      /did not answer within 100 ms/,
    );
  });
});

describe('choosing a sender', () => {
  const logger = pino({ level: 'silent' });

  it('in production without a webhook, fails with UNAVAILABLE instead of logging codes', async () => {
    const sender = chooseSmsSender({ webhookUrl: undefined, production: true, timeoutMs: 100, logger });
    const error = await sender.send(MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('in development without a webhook, logs the message', async () => {
    const lines: string[] = [];
    const devLogger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    await chooseSmsSender({
      webhookUrl: undefined,
      production: false,
      timeoutMs: 100,
      logger: devLogger,
    }).send(MESSAGE);
    expect(lines.join('')).toContain('Your Semaswift code is 123456');
  });
});

describe('phone numbers', () => {
  it('accept E.164, dropping spaces, dashes, dots and parentheses', () => {
    expect(normalizePhoneNumber('+49 151 1234-5678')).toBe('+4915112345678');
    expect(normalizePhoneNumber('+1 (202) 555.0123')).toBe('+12025550123');
  });

  it('refuse anything else with INVALID_ARGUMENT', () => {
    for (const typed of [
      '4915112345678',
      '+0151123456',
      '+49151',
      '+491511234567890123',
      '+49 151 abc',
      '',
    ]) {
      expect(() => normalizePhoneNumber(typed)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('hint at a number without showing it', () => {
    expect(phoneNumberHint('+4915112345678')).toBe('+49•••••••••78');
  });
});
