import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.ts';
import type { DashboardTestServer } from './dashboard-server.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../../test-results/dashboard');

/**
 * Debian's Chromium, headless (never a downloaded browser), resolving the test issuer's host to
 * the server's port on 127.0.0.1: the browser opens `https://auth.semaswift.test/dashboard` as a
 * user opens the issuer's own URL.
 */
export function launchBrowser(server: DashboardTestServer): Promise<Browser> {
  return launchChromium([
    `--host-resolver-rules=MAP ${new URL(server.issuer).hostname} 127.0.0.1:${server.port}`,
  ]);
}

/** A fresh browser profile that trusts the test certificate; a laptop-sized window by default, or a small phone (375 px). */
export function newContext(
  browser: Browser,
  options: { phone?: boolean; javaScriptEnabled?: boolean; dark?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    ignoreHTTPSErrors: true,
    colorScheme: options.dark ? 'dark' : 'light',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.phone ? { width: 375, height: 667 } : { width: 1280, height: 860 },
    ...(options.phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
}

/** The OAuth sign-in page: email and password, submitted. */
export async function submitPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the dashboard, signs in with a password and lands on Settings > API Keys. */
export async function signIn(page: Page, server: DashboardTestServer, email: string, password: string) {
  await page.goto(`${server.issuer}/dashboard`);
  await submitPassword(page, email, password);
  await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
}

/**
 * A TOTP code, computed independently of the server (the `otpauth` package). `stepsAhead: 1` gives
 * the next period's code, which the server accepts now (±1 step) even when this period's code was
 * already used (each step works once).
 */
export function totpCode(secret: string, stepsAhead = 0): string {
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret.replace(/\s/g, '')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

/** Saves a full-page screenshot as test-results/dashboard/<name>.png, to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The id of the focused element. */
export const focusedId = (page: Page): Promise<string> =>
  page.evaluate<string>('document.activeElement?.id ?? ""');

/** What a control's `aria-describedby` points to, as text. */
export async function descriptionOf(page: Page, selector: string): Promise<string> {
  const ids = ((await page.locator(selector).getAttribute('aria-describedby')) ?? '')
    .split(/\s+/)
    .filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}
