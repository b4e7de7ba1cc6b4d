import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  descriptionOf,
  focusedId,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  submitPassword,
  totpCode,
} from './support/dashboard-browser.ts';
import { apiLogin, type DashboardTestServer, startDashboardServer } from './support/dashboard-server.ts';
import { type SmsInbox, startSmsInbox } from './support/sms-inbox.ts';

const PASSWORD = 'correct horse battery staple';

let server: DashboardTestServer;
let browser: Browser;
let sms: SmsInbox;

beforeAll(async () => {
  sms = await startSmsInbox();
  server = await startDashboardServer({ smsWebhookUrl: sms.url });
  browser = await launchBrowser(server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sms?.close();
});

/** Turns TOTP on through the REST API, as the docs' MFA section does; resolves the secret. */
async function enrolTotpByApi(email: string): Promise<string> {
  const authorization = `Bearer ${(await apiLogin(server, email, PASSWORD)).access_token}`;
  const enrolled = await server.call('/api/v1/auth/mfa/totp/enroll', {
    headers: { authorization },
    json: {},
  });
  const { secret } = enrolled.json<{ secret: string }>();
  const confirmed = await server.call('/api/v1/auth/mfa/totp/confirm', {
    headers: { authorization },
    json: { code: totpCode(secret) },
  });
  expect(confirmed.status).toBe(200);
  return secret;
}

describe('Settings > Security', () => {
  it('enrols TOTP from the QR page, shows the recovery codes once, and asks for a code at the next sign-in', async () => {
    await server.createUser({ email: 'bob@acme.test', password: PASSWORD, org: 'acme' });
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, server, 'bob@acme.test', PASSWORD);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    await screenshot(page, 'security-off');

    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    // On a phone the setup key breaks between its groups of four, never inside one.
    await page.setViewportSize({ width: 375, height: 667 });
    const groupLines = await page
      .locator('#totp-secret .key-group')
      .evaluateAll((groups) => groups.map((g) => g.getClientRects().length));
    expect(groupLines).toHaveLength(8);
    expect(groupLines.every((lines) => lines === 1)).toBe(true);
    await screenshot(page, 'security-totp-setup-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    await expect(qr.getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);
    // The secret as the page shows it, read by a person typing it into an app.
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'security-totp-setup');
    await page
      .getByLabel('Enter the 6-digit code from the app')
      .fill(totpCode(secret) === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The code is incorrect.');
    await expect(focusedId(page)).resolves.toBe('code');
    await expect(page.locator('#code').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '#code')).resolves.toBe('Error: The code is incorrect.');
    await expect(page.locator('#totp-secret').textContent()).resolves.toMatch(/[A-Z2-7]{4}/);
    await page.getByLabel('Enter the 6-digit code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();

    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    const codes = await page.locator('#recovery-codes li').allTextContents();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('semaswift-recovery-codes.txt');
    const saved = readFileSync(await download.path(), 'utf8');
    for (const code of codes) expect(saved).toContain(code);
    await screenshot(page, 'security-recovery-codes');

    // Shown once: the page does not show them again.
    await page.reload();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    expect(await page.content()).not.toContain(codes[0]);
    await expect(
      page
        .getByRole('region', { name: /Authenticator app/ })
        .getByText('On', { exact: true })
        .isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'security-on');

    // Signing out ends the browser's sign-in too: the next one asks for the password, then the code.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await screenshot(page, 'signed-out');
    await page.goto(`${server.issuer}/dashboard/settings/security`);
    await submitPassword(page, 'bob@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await screenshot(page, 'sign-in-mfa');
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill(totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();

    // Turning it off needs the password again.
    await page.getByRole('link', { name: 'Turn off authenticator app', exact: true }).click();
    await page.getByLabel('Your password').fill('not my password');
    await page.getByRole('button', { name: 'Turn off', exact: true }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The password is incorrect.');
    await expect(focusedId(page)).resolves.toBe('password');
    await expect(page.getByLabel('Your password').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(page, '#password')).resolves.toBe('Error: The password is incorrect.');
    await screenshot(page, 'security-turn-off');
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Turn off', exact: true }).click();
    await page.getByText('Authenticator app is off.').waitFor();
    await context.close();
  });

  it('signs in with TOTP enrolled through the API, refusing a wrong code', async () => {
    await server.createUser({ email: 'carol@acme.test', password: PASSWORD, org: 'acme' });
    const secret = await enrolTotpByApi('carol@acme.test');
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.issuer}/dashboard`);
    await submitPassword(page, 'carol@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await page
      .getByRole('textbox', { name: 'Code', exact: true })
      .fill(totpCode(secret, 1) === '123456' ? '654321' : '123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'The code is incorrect. If you used a recovery code, choose “Recovery code”.',
    );
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill(totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    await context.close();
  });

  it('enrols a phone for SMS, and turns TOTP off with a code sent by text message', async () => {
    await server.createUser({ email: 'dave@acme.test', password: PASSWORD, org: 'acme' });
    const secret = await enrolTotpByApi('dave@acme.test');
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.issuer}/dashboard/settings/security`);
    await submitPassword(page, 'dave@acme.test', PASSWORD);
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill(totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.getByRole('link', { name: 'Add a phone number' }).click();
    // A number that is not one: the field says so in the words of the page.
    await page.getByLabel('Mobile phone number').fill('0151 1234');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('alert').waitFor();
    await expect(focusedId(page)).resolves.toBe('phone');
    await expect(descriptionOf(page, '#phone')).resolves.toMatch(
      /^Error: Enter the phone number with its country code/,
    );
    // A typo found after sending: another number gets its code at once, not "Too many attempts".
    await page.getByLabel('Mobile phone number').fill('+49 151 1234 5600');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText('We sent a code to +49•••••••••00.').waitFor();
    await page.getByRole('link', { name: 'Use another number' }).click();
    await page.getByLabel('Mobile phone number').fill('+49 151 1234 5678');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText('We sent a code to +49•••••••••78.').waitFor();
    await screenshot(page, 'security-sms-code');
    await page.getByLabel('Enter the 6-digit code we sent').fill(await sms.nextCode('+4915112345678'));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Text message verification is on.').waitFor();
    await expect(page.getByText('Codes are sent to +49•••••••••78.').isVisible()).resolves.toBe(true);
    await screenshot(page, 'security-both-on');
    // Each "Turn off" says what it turns off.
    for (const name of ['Turn off authenticator app', 'Turn off text message codes']) {
      await expect(page.getByRole('link', { name, exact: true }).count()).resolves.toBe(1);
    }

    await page.getByRole('link', { name: 'Turn off authenticator app', exact: true }).click();
    await page.getByRole('button', { name: 'Send me a code by text message' }).click();
    await page.getByText('We sent a code to your phone.').waitFor();
    await page.getByLabel('Code from a text message').fill(await sms.nextCode('+4915112345678'));
    await page.getByRole('button', { name: 'Turn off with the code' }).click();
    await page.getByText('Authenticator app is off.').waitFor();
    await expect(page.getByRole('button', { name: 'Set up authenticator app' }).isVisible()).resolves.toBe(
      true,
    );
    await context.close();
  });
});
