import { createHash, randomBytes } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  submitPassword,
} from './support/dashboard-browser.ts';
import {
  apiLogin,
  type DashboardTestServer,
  type HttpsAnswer,
  startDashboardServer,
} from './support/dashboard-server.ts';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'erin@acme.test';
const CONSOLE_CALLBACK = 'https://console.acme.test/callback';
const SESSION_COOKIE = '__Secure-semaswift_dashboard';

let server: DashboardTestServer;
let browser: Browser;
let consoleClientId: string;

beforeAll(async () => {
  server = await startDashboardServer();
  browser = await launchBrowser(server);
  await server.createUser({ email: EMAIL, password: PASSWORD, org: 'acme', roles: ['admin'] });
  const client = (await server.cli(
    [
      'client',
      'create',
      '--name',
      'Acme Console',
      '--redirect-uri',
      CONSOLE_CALLBACK,
      '--public',
      '--first-party',
    ].concat(['--scope', 'openid', '--scope', 'profile']),
  )) as { client_id: string };
  consoleClientId = client.client_id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The browser's cookies for `path`, as a Cookie header. */
async function cookieHeader(context: BrowserContext, path: string): Promise<string> {
  const cookies = await context.cookies(`${server.issuer}${path}`);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** What every dashboard page answers with: our script only, no framing, never cached. */
function expectPageHeaders(headers: Record<string, string | string[] | undefined>): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['x-frame-options']).toBe('DENY');
}

/** No inline script, no event handler attribute: the CSP would block them anyway. */
function expectNoInlineScript(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
}

/** The query of an authorization request of another first-party app (PKCE, as a public client must). */
function consoleQuery(): URLSearchParams {
  const verifier = randomBytes(32).toString('base64url');
  return new URLSearchParams({
    response_type: 'code',
    client_id: consoleClientId,
    redirect_uri: CONSOLE_CALLBACK,
    scope: 'openid profile',
    state: 'console-state',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
}

/**
 * An authorization request of another first-party app, in a new tab; resolves the callback the browser was sent
 * to (nothing answers there: the request is only observed), or the heading of the page it shows.
 */
async function consoleSignIn(context: BrowserContext): Promise<{ callback?: URL; page?: string }> {
  const page = await context.newPage();
  let reached: URL | undefined;
  const observe = (request: { url(): string }) => {
    if (request.url().startsWith(CONSOLE_CALLBACK)) reached = new URL(request.url());
  };
  page.on('request', observe);
  await page.goto(`${server.issuer}/oauth2/auth?${consoleQuery()}`).catch(() => undefined);
  page.off('request', observe);
  const shown = reached ? undefined : ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '');
  await page.close();
  return reached ? { callback: reached } : { page: shown };
}

describe('the dashboard session', () => {
  it('keeps the token sealed in a Strict, HttpOnly, Secure cookie and sends pages with CSP and no-store', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, EMAIL, PASSWORD);
    const session = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/dashboard' });
    expect(session?.value).not.toMatch(/eyJ/); // the access token is encrypted, not readable

    for (const path of [
      '/dashboard/settings/api-keys',
      '/dashboard/settings/api-keys/new',
      '/dashboard/settings/security',
      '/dashboard/settings/security/sms',
    ]) {
      const answer = await server.call(path, { headers: { cookie: await cookieHeader(context, path) } });
      expect(answer.status, path).toBe(200);
      expectPageHeaders(answer.headers);
      expectNoInlineScript(answer.body);
    }

    // The page that shows a new token, and the one that shows recovery codes.
    await page.goto(`${server.issuer}/dashboard/settings/api-keys/new`);
    await page.getByLabel('Name').fill('Headers');
    const shown = page.waitForResponse(
      (r) => r.url().endsWith('/dashboard/settings/api-keys') && r.status() === 200,
    );
    await page.getByRole('button', { name: 'Create token' }).click();
    expectPageHeaders((await shown).headers());
    await page.goto(`${server.issuer}/dashboard/settings/security`);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const setup = await page.goto(`${server.issuer}/dashboard/settings/security/totp`);
    expectPageHeaders(setup?.headers() ?? {});
    const qrSource = (await page.getByRole('img', { name: /QR code/ }).getAttribute('src')) ?? '';
    expect(qrSource.startsWith('data:')).toBe(true); // allowed by img-src data:, drawn by us
    await context.close();
  });

  it('refuses a form without the CSRF token, or with a wrong one (403)', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, EMAIL, PASSWORD);
    const path = '/dashboard/settings/api-keys/new';
    const cookie = await cookieHeader(context, path);
    const fields = { name: 'Forged', expires_in: '7', permissions: 'user:read' };
    const posted: HttpsAnswer[] = [];
    posted.push(await server.call(path, { headers: { cookie }, form: fields }));
    posted.push(
      await server.call(path, {
        headers: { cookie },
        form: { ...fields, csrf: randomBytes(32).toString('base64url') },
      }),
    );
    for (const answer of posted) {
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('This form has expired.');
      expectPageHeaders(answer.headers);
    }
    // The same form with the browser's token goes through: the token was the only thing missing.
    const csrf =
      (await context.cookies(server.issuer)).find((c) => c.name === '__Host-semaswift_csrf')?.value ?? '';
    const accepted = await server.call(path, {
      headers: { cookie },
      form: { ...fields, name: 'Real', csrf },
    });
    expect(accepted.status).toBe(303);

    const authorization = `Bearer ${(await apiLogin(server, EMAIL, PASSWORD)).access_token}`;
    const names = (await server.call('/api/v1/pats', { headers: { authorization } }))
      .json<{ pats: Array<{ name: string }> }>()
      .pats.map((p) => p.name);
    expect(names).toContain('Real');
    expect(names).not.toContain('Forged');
    await context.close();
  });

  it('refuses a form posted from another origin (403), even with the CSRF token', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, EMAIL, PASSWORD);
    const path = '/dashboard/settings/api-keys/new';
    const cookie = await cookieHeader(context, path);
    const csrf =
      (await context.cookies(server.issuer)).find((c) => c.name === '__Host-semaswift_csrf')?.value ?? '';
    const form = { name: 'Cross-site', expires_in: '7', permissions: 'user:read', csrf };
    for (const origin of ['https://evil.test', 'null']) {
      const refused = await server.call(path, { headers: { cookie, origin }, form });
      expect(refused.status, origin).toBe(403);
    }
    const signOut = await server.call('/dashboard/sign-out', {
      headers: { cookie: await cookieHeader(context, '/dashboard/sign-out'), origin: 'https://evil.test' },
      form: { csrf },
    });
    expect(signOut.status).toBe(403);
    // Our own origin, as a browser sends it, goes through.
    const accepted = await server.call(path, { headers: { cookie, origin: server.issuer }, form });
    expect(accepted.status).toBe(303);
    await context.close();
  });

  it('gives a new CSRF token at sign-in and at sign-out', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const csrfCookie = async () =>
      (await context.cookies(server.issuer)).find((c) => c.name === '__Host-semaswift_csrf')?.value;
    await page.goto(`${server.issuer}/dashboard`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const beforeSignIn = await csrfCookie();
    expect(beforeSignIn).toBeTruthy();
    await signIn(page, server, EMAIL, PASSWORD);
    const signedIn = await csrfCookie();
    expect(signedIn).toBeTruthy();
    expect(signedIn).not.toBe(beforeSignIn);
    await expect(page.locator('input[name=csrf]').first().inputValue()).resolves.toBe(signedIn);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    const signedOut = await csrfCookie();
    expect(signedOut).toBeTruthy();
    expect(signedOut).not.toBe(signedIn);
    await context.close();
  });

  it('sends HSTS under TLS, and an icon without a console error', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await signIn(page, server, EMAIL, PASSWORD);
    const answer = await server.call('/dashboard/settings/api-keys', {
      headers: { cookie: await cookieHeader(context, '/dashboard/settings/api-keys') },
    });
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(answer.headers['referrer-policy']).toBe('same-origin');
    const icon = await page.locator('link[rel=icon]').getAttribute('href');
    for (const path of [icon ?? '', '/favicon.ico']) {
      const served = await server.call(path);
      expect(served.status, path).toBe(200);
      expect(served.headers['content-type']).toBe('image/svg+xml');
      expect(served.body).toContain('<svg');
    }
    await page.goto(`${server.issuer}/dashboard/settings/security`);
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shares the sign-in with OAuth authorizations, both ways, and signing out ends both', async () => {
    // Dashboard first: another first-party app then needs no password.
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, EMAIL, PASSWORD);
    const silent = await consoleSignIn(context);
    expect(silent.callback?.searchParams.get('code')).toBeTruthy();
    expect(silent.callback?.searchParams.get('state')).toBe('console-state');

    // Signing out of the dashboard signs the browser out: the app's next request asks again.
    await page.goto(`${server.issuer}/dashboard/settings/api-keys`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    await expect(consoleSignIn(context)).resolves.toEqual({ page: 'Sign in' });
    await context.close();

    // The app first: the dashboard then opens without a password.
    const second = await newContext(browser);
    const appPage = await second.newPage();
    await appPage.goto(`${server.issuer}/oauth2/auth?${consoleQuery()}`);
    const returned = appPage.waitForRequest((r) => r.url().startsWith(CONSOLE_CALLBACK));
    await submitPassword(appPage, EMAIL, PASSWORD);
    expect(new URL((await returned).url()).searchParams.get('code')).toBeTruthy();
    const dashboardTab = await second.newPage();
    await dashboardTab.goto(`${server.issuer}/dashboard/settings/security`);
    await dashboardTab.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    await second.close();
  });

  it('gets a new token silently when the cookie is bad, and when the visit starts on another site', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, EMAIL, PASSWORD);
    await context.addCookies([
      {
        name: SESSION_COOKIE,
        value: 'tampered',
        domain: 'auth.semaswift.test',
        path: '/dashboard',
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
      },
    ]);
    await page.goto(`${server.issuer}/dashboard/settings/security`);
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value).not.toBe('tampered');

    // A link in a mail or chat: the Strict cookie is not sent, the provider's session brings it back.
    await page.route('https://elsewhere.test/**', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<a href="${server.issuer}/dashboard/settings/api-keys">Your API keys</a>`,
      }),
    );
    await page.goto('https://elsewhere.test/');
    await page.getByRole('link', { name: 'Your API keys' }).click();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    await context.close();
  });

  it('answers a forged or cancelled callback with a page, never a session', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const forged = await page.goto(`${server.issuer}/dashboard/callback?code=stolen&state=guess`);
    expect(forged?.status()).toBe(400);
    await page.getByRole('heading', { name: 'Sign-in could not finish' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();

    await page.goto(`${server.issuer}/dashboard`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Sign-in cancelled' }).waitFor();
    await screenshot(page, 'sign-in-cancelled');
    await context.close();
  });
});
