import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedUser } from '../support/test-server.ts';
import {
  descriptionOf,
  focusedId,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
} from './support/dashboard-browser.ts';
import { apiLogin, type DashboardTestServer, startDashboardServer } from './support/dashboard-server.ts';

const PASSWORD = 'correct horse battery staple';

let server: DashboardTestServer;
let browser: Browser;
let agent: CreatedUser;

beforeAll(async () => {
  server = await startDashboardServer();
  browser = await launchBrowser(server);
  agent = await server.createUser({
    email: 'ada@acme.test',
    password: PASSWORD,
    org: 'acme',
    name: 'Ada Lovelace',
  });
  await server.createUser({ email: 'grace@acme.test', password: PASSWORD, org: 'acme', roles: ['admin'] });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** `GET /api/v1/users/me` with a PAT, as the docs' curl does. */
const me = (token: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
  server.call('/api/v1/users/me', {
    headers: header === 'authorization' ? { authorization: `Bearer ${token}` } : { 'x-api-key': token },
  });

describe('Settings > API Keys', () => {
  it('creates a token shown once, which works on the API until it is revoked', async () => {
    const context = await newContext(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.issuer });
    const page = await context.newPage();
    await page.goto(`${server.issuer}/dashboard`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
    await signIn(page, server, 'ada@acme.test', PASSWORD);
    await expect(page.getByText('You have no tokens yet.').isVisible()).resolves.toBe(true);
    await screenshot(page, 'api-keys-empty');

    // "Click Create New Token; set a name and expiration date."
    await page.getByRole('link', { name: 'Create New Token' }).click();
    await page.getByRole('heading', { name: 'Create New Token', level: 1 }).waitFor();
    const permissions = page.getByRole('group', { name: 'Permissions' }).getByRole('checkbox');
    await expect(permissions.count()).resolves.toBe(3); // an agent's own: user:read, ticket:read, ticket:write
    await screenshot(page, 'api-keys-new');
    await page.getByLabel('Name').fill('CI deploy');
    await page.getByRole('radio', { name: /^7 days/ }).check();
    await page.getByRole('checkbox', { name: /ticket:write/ }).uncheck();
    await page.getByRole('button', { name: 'Create token' }).click();

    // "Copy the token (it won't be shown again)."
    const shown = page.getByLabel('New personal access token');
    await shown.waitFor();
    // Announced: focus is on the panel's heading, and the panel is a status.
    await expect(focusedId(page)).resolves.toBe('new-token-title');
    await expect(page.getByRole('status', { name: /Your new token “CI deploy”/ }).count()).resolves.toBe(1);
    const token = await shown.inputValue();
    expect(token).toMatch(/^pat_live_[0-9A-Za-z]{38}$/);
    await expect(page.getByText('It won’t be shown again.').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(token);
    await screenshot(page, 'api-keys-created');

    for (const header of ['authorization', 'x-api-key'] as const) {
      const answer = await me(token, header);
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ id: agent.id, email: 'ada@acme.test' });
    }
    const listed = await server.call('/api/v1/pats', {
      headers: {
        authorization: `Bearer ${(await apiLogin(server, 'ada@acme.test', PASSWORD)).access_token}`,
      },
    });
    const pat = listed.json<{ pats: Array<Record<string, unknown>> }>().pats[0];
    expect(pat).toMatchObject({ name: 'CI deploy', permissions: ['user:read', 'ticket:read'] });
    const lifetime = Date.parse(String(pat?.expires_at)) - Date.parse(String(pat?.created_at));
    expect(lifetime).toBe(7 * 86_400_000);

    // Reloaded: listed, never shown again.
    await page.reload();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    expect(await page.content()).not.toContain(token);
    await expect(page.getByLabel('New personal access token').count()).resolves.toBe(0);
    const row = page.getByRole('row', { name: /CI deploy/ });
    // Just used by the calls above: "Last used" is a date, no longer "Never".
    await expect(row.locator('td[data-label="Last used"] time').count()).resolves.toBe(1);
    await screenshot(page, 'api-keys-list');

    // Revoke, with the script's confirmation dialog.
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: 'Revoke CI deploy' }).click();
    await page.getByText('Revoked “CI deploy”.').waitFor();
    await expect(page.getByRole('row', { name: /CI deploy/ }).count()).resolves.toBe(0);
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'TOKEN_INVALID' } });
    await context.close();
  });

  it('works without JavaScript: a custom date, and revoking asks on a page first', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, server, 'ada@acme.test', PASSWORD);
    await page.getByRole('link', { name: 'Create New Token' }).click();
    await page.getByLabel('Name').fill('Nightly export');
    const max = (await page.getByLabel('Expiration date').getAttribute('max')) ?? '';
    // A date while a preset is chosen: which one was meant is asked, on the date field.
    await page.getByLabel('Expiration date').fill(max);
    await page.getByRole('radio', { name: /^7 days/ }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('alert').waitFor();
    await expect(page.locator('#expires-on').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '#expires-on')).resolves.toContain(
      'Choose “Custom date” to use the date',
    );
    await expect(focusedId(page)).resolves.toBe('expires-on');
    await expect(page.getByRole('link', { name: /You picked a date/ }).getAttribute('href')).resolves.toBe(
      '#expires-on',
    );
    await screenshot(page, 'api-keys-date-and-preset');
    await page.getByRole('radio', { name: 'Custom date' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New personal access token').inputValue();
    expect((await me(token)).status).toBe(200);
    // Listed as expiring on the chosen day (its last second), not the day after.
    const expires = page
      .getByRole('row', { name: /Nightly export/ })
      .locator('td[data-label="Expires"] time');
    await expect(expires.getAttribute('datetime')).resolves.toBe(`${max}T23:59:59.000Z`);
    const chosen = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(`${max}T12:00:00Z`),
    );
    await expect(expires.textContent()).resolves.toBe(chosen);
    // No script: no copy button, the token is selectable in its field.
    await expect(page.getByRole('button', { name: 'Copy', exact: true }).isVisible()).resolves.toBe(false);

    await page.getByRole('button', { name: 'Revoke Nightly export' }).click();
    await page.getByRole('heading', { name: 'Revoke “Nightly export”?' }).waitFor();
    await screenshot(page, 'api-keys-revoke-confirm');
    expect((await me(token)).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('Revoked “Nightly export”.').waitFor();
    expect((await me(token)).status).toBe(401);
    await context.close();
  });

  it('puts each error on its field, links it from the summary and focuses the first', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, 'ada@acme.test', PASSWORD);
    await page.getByRole('link', { name: 'Create New Token' }).click();
    await page.getByLabel('Name').fill('   ');
    for (const box of await page.getByRole('group', { name: 'Permissions' }).getByRole('checkbox').all()) {
      await box.uncheck();
    }
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('alert').waitFor();
    await expect(focusedId(page)).resolves.toBe('name');
    await expect(page.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '#name')).resolves.toMatch(/^Error: Enter a name for the token\. What/);
    const links = page.getByRole('alert').getByRole('link');
    await expect(links.allTextContents()).resolves.toEqual([
      'Enter a name for the token.',
      'Choose at least one permission.',
    ]);
    await expect(links.nth(1).getAttribute('href')).resolves.toBe('#permission-0');
    await screenshot(page, 'api-keys-errors');

    // Only the permissions wrong: focus goes there, not to the name.
    await page.getByLabel('Name').fill('Errors');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('alert').waitFor();
    await expect(focusedId(page)).resolves.toBe('permission-0');
    await expect(page.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(page.locator('#permission-0').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '#permission-0')).resolves.toBe(
      'Error: Choose at least one permission.',
    );
    await context.close();
  });

  it('shows an admin the organization’s tokens, which the admin can revoke', async () => {
    const session = await apiLogin(server, 'ada@acme.test', PASSWORD);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await server.call('/api/v1/pats', {
      headers: { authorization: `Bearer ${session.access_token}` },
      json: { name: 'Ada’s laptop', expires_at: expiresAt },
    });
    const { token } = created.json<{ token: string }>();

    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, 'grace@acme.test', PASSWORD);
    const orgTokens = page.getByRole('region', { name: 'Your organization’s tokens' });
    const row = orgTokens.getByRole('row', { name: /Ada’s laptop/ });
    await expect(row.getByText('ada@acme.test').isVisible()).resolves.toBe(true);
    await screenshot(page, 'api-keys-admin');
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: 'Revoke Ada’s laptop' }).click();
    await page.getByText('Revoked “Ada’s laptop”.').waitFor();
    expect((await me(token)).status).toBe(401);
    await context.close();

    // An agent sees only their own.
    const agentContext = await newContext(browser);
    const agentPage = await agentContext.newPage();
    await signIn(agentPage, server, 'ada@acme.test', PASSWORD);
    await expect(agentPage.getByRole('region', { name: 'Your organization’s tokens' }).count()).resolves.toBe(
      0,
    );
    await agentContext.close();
  });

  it('is usable with a keyboard and announces its parts, in light and dark', async () => {
    const context = await newContext(browser, { dark: true });
    const page = await context.newPage();
    await signIn(page, server, 'grace@acme.test', PASSWORD);
    // Landmarks and names that assistive technology reads.
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Create New Token' }).click();
    await screenshot(page, 'api-keys-new-laptop');
    await page.goBack();
    const nav = page.getByRole('navigation', { name: 'Settings' });
    await expect(nav.getByRole('link', { name: 'API Keys' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    // The first Tab reaches the skip link; it moves focus past the header to the page.
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>('document.activeElement.textContent')).resolves.toBe(
      'Skip to main content',
    );
    await page.keyboard.press('Enter');
    await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('main');
    // Through the form without a mouse: Tab to the primary action, Enter, type, submit.
    await page.getByRole('link', { name: 'Create New Token' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Name').waitFor();
    await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('name'); // autofocus
    await page.keyboard.type('Keyboard only');
    await page.keyboard.press('Enter');
    await page.getByLabel('New personal access token').waitFor();
    await screenshot(page, 'api-keys-dark');
    await context.close();
  });

  it('fits a phone', async () => {
    const context = await newContext(browser, { phone: true });
    const page = await context.newPage();
    await signIn(page, server, 'grace@acme.test', PASSWORD);
    await page.getByRole('link', { name: 'Create New Token' }).click();
    // Every radio button and checkbox the same size, and "7 days" on one line.
    const sizes = await page
      .locator('input[type=radio], input[type=checkbox]')
      .evaluateAll((inputs) => inputs.map((i) => Math.round(i.getBoundingClientRect().width * 10) / 10));
    expect(new Set(sizes)).toEqual(new Set([18]));
    const titleLines = await page
      .locator('.choice-title')
      .evaluateAll((titles) => titles.map((t) => t.getClientRects().length));
    expect(titleLines.every((lines) => lines === 1)).toBe(true);
    await screenshot(page, 'api-keys-new-phone');
    await page.getByLabel('Name').fill('Phone test');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByLabel('New personal access token').waitFor();
    // Nothing wider than the phone (long lines scroll inside their own box).
    await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
      375,
    );
    await screenshot(page, 'api-keys-phone');
    await context.close();
  });
});
