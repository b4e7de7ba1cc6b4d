import { CSRF_FIELD } from '../web/csrf.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';

/** What a person is told each scope lets the application do (the consent page). */
const SCOPE_DESCRIPTIONS: Readonly<Record<string, [string, string]>> = {
  openid: ['Know who you are', 'Your Semaswift account identifier'],
  profile: ['See your name', 'Your name as it is in your profile'],
  email: ['See your email address', 'The address you sign in with'],
  offline_access: ['Stay connected', 'Keep access while you are not using the application'],
  'user:read': ['See the people in your organization', 'Names, email addresses and roles'],
  'user:write': ['Manage the people in your organization', 'Add, change and remove users'],
  'ticket:read': ['Read tickets', 'Tickets of your organization'],
  'ticket:write': ['Create and change tickets', 'Tickets of your organization'],
  'pat:read': ['See personal access tokens', 'Names and dates, never the tokens'],
  'pat:write': ['Create and revoke personal access tokens', 'Tokens that act as you'],
};

/** The common parts of every step: where the forms post, and the CSRF token. */
export interface StepContext {
  /** `/oauth2/auth/interaction/<uid>`. */
  base: string;
  csrf: string;
  clientName: string;
}

const csrfField = (csrf: string) => html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;

/** A form of its own that cancels the sign-in (the client hears `access_denied`). */
const cancelForm = (step: StepContext, label = 'Cancel') =>
  html`<form method="post" action="${step.base}/abort" class="secondary-forms">${csrfField(step.csrf)}
<button type="submit" class="link-button">${label}</button></form>`;

export function loginPage(
  step: StepContext,
  view: { email?: string | undefined; error?: string | undefined },
): string {
  return renderPage({
    title: 'Sign in',
    lead: html`to continue to <strong>${step.clientName}</strong>`,
    error: view.error,
    body: html`<form method="post" action="${step.base}/login">${csrfField(step.csrf)}
<div class="field"><label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${view.email ?? ''}"${view.email ? '' : html` autofocus`}></div>
<div class="field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${view.email ? html` autofocus` : ''}></div>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
${cancelForm(step)}`,
  });
}

const METHOD_LABELS: Readonly<Record<string, [string, string]>> = {
  totp: ['Authenticator app', 'The 6-digit code your app shows now'],
  sms: ['Text message', 'The 6-digit code we send to your phone'],
  recovery_code: ['Recovery code', 'One of the codes you saved when you set up MFA'],
};

export function mfaPage(
  step: StepContext,
  view: { methods: readonly string[]; error?: string | undefined; notice?: string | undefined },
): string {
  const choices = [...view.methods, 'recovery_code'];
  const options: SafeHtml[] = choices.map(
    (
      method,
      index,
    ) => html`<label class="choice"><input type="radio" name="method" value="${method}"${index === 0 ? html` checked` : ''}>
<span>${METHOD_LABELS[method]?.[0] ?? method} <span class="hint">${METHOD_LABELS[method]?.[1] ?? ''}</span></span></label>`,
  );
  // A recovery code checked as an app or SMS code is simply wrong; say where it goes instead.
  const error =
    view.error === 'The code is incorrect.'
      ? `${view.error} If you used a recovery code, choose “Recovery code”.`
      : view.error;
  return renderPage({
    title: 'Two-step verification',
    lead: html`Confirm it is you to continue to <strong>${step.clientName}</strong>`,
    error,
    notice: view.notice,
    body: html`<form method="post" action="${step.base}/mfa">${csrfField(step.csrf)}
<fieldset><legend>Verify with</legend>${options}</fieldset>
<div class="field"><label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus
 aria-describedby="code-hint"><p id="code-hint" class="hint">From your authenticator app, a text message, or your saved recovery codes.</p></div>
<div class="actions"><button type="submit">Verify</button></div>
</form>
${
  view.methods.includes('sms')
    ? html`<form method="post" action="${step.base}/mfa/sms" class="secondary-forms">${csrfField(step.csrf)}
<button type="submit" class="link-button">Send a code by text message</button></form>`
    : ''
}
${cancelForm(step)}`,
  });
}

export function consentPage(step: StepContext, view: { account: string; scopes: readonly string[] }): string {
  const items = view.scopes.map((scope) => {
    const [title, detail] = SCOPE_DESCRIPTIONS[scope] ?? [scope, ''];
    return html`<li><strong>${title}</strong><span>${detail}</span></li>`;
  });
  return renderPage({
    title: `Allow ${step.clientName}?`,
    lead: html`Signed in as <strong>${view.account}</strong>`,
    body: html`<p><strong>${step.clientName}</strong> would like to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${step.base}/consent">${csrfField(step.csrf)}
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div></form>
<p class="fine-print">Allow only applications you trust: <strong>${step.clientName}</strong> will act as you within these permissions.</p>`,
  });
}
