import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../../test-results/oauth');

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** The relying party's callback endpoint: a real server on a free port that records where the browser landed. */
export interface CallbackServer {
  /** `http://127.0.0.1:<port>/callback`. */
  redirectUri: string;
  /**
   * The next callback URL a browser is sent to (code, state, iss in the query). A form posted to
   * the callback (response_mode=form_post) arrives with its fields as the query.
   */
  next(): Promise<string>;
  close(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const waiting: Array<(url: string) => void> = [];
  const arrived: string[] = [];
  const server = http.createServer(async (req, res) => {
    let url = `http://127.0.0.1:${port}${req.url ?? '/'}`;
    // Browsers also ask for /favicon.ico.
    if (!url.startsWith(`http://127.0.0.1:${port}/callback`)) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      url = `${url.split('?')[0]}?${Buffer.concat(chunks).toString('utf8')}`;
    }
    const waiter = waiting.shift();
    if (waiter) waiter(url);
    else arrived.push(url);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    next: () => {
      const first = arrived.shift();
      return first !== undefined ? Promise.resolve(first) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The password page: fills in the form and submits it. */
export async function submitPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Saves a full-page screenshot as test-results/oauth/<name>.png, to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
