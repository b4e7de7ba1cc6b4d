import type { MfaMethod } from '../mfa/mfa-policy.ts';
import type { MfaStatus } from '../mfa/mfa-status.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { DASHBOARD_PATH } from './dashboard-client.ts';
import { csrfInput } from './dashboard-layout.ts';
import { type FieldError, fieldErrors } from './field-errors.ts';

/** Settings > Security: the methods and what can be done with them. */
export const SECURITY_PATH = `${DASHBOARD_PATH}/settings/security`;
/** Starts a TOTP enrolment (POST) and shows its QR code (GET); `/confirm` switches it on. */
export const TOTP_PATH = `${SECURITY_PATH}/totp`;
/** The phone number form (POST sends a code); `/confirm` switches SMS on, `/send-code` sends a step-up code. */
export const SMS_PATH = `${SECURITY_PATH}/sms`;
/** Where the recovery codes are shown, once. */
export const RECOVERY_CODES_PATH = `${SECURITY_PATH}/recovery-codes`;
/** Turning a method off: the page asking for a proof, and its action. */
export const disablePath = (method: MfaMethod): string => `${SECURITY_PATH}/${method}/disable`;

/** The methods by the names people know them by. */
export const METHOD_LABELS: Readonly<Record<MfaMethod, string>> = {
  totp: 'Authenticator app',
  sms: 'Text message (SMS)',
};

/** The method in a sentence: "turn off …". */
export const METHOD_PHRASES: Readonly<Record<MfaMethod, string>> = {
  totp: 'the authenticator app',
  sms: 'text message codes',
};

const badge = (on: boolean, text = on ? 'On' : 'Off') =>
  html`<span class="badge${on ? ' on' : ''}">${text}</span>`;

/** The overview: each method, whether it is on, and what can be done about it. */
export function securityOverview(status: MfaStatus, csrf: string): SafeHtml {
  const totpOn = status.methods.includes('totp');
  const smsOn = status.methods.includes('sms');
  const totpAction = totpOn
    ? html`<a class="button secondary small" href="${disablePath('totp')}">Turn off<span class="visually-hidden"> authenticator app</span></a>`
    : html`<form method="post" action="${TOTP_PATH}" class="inline-form">${csrfInput(csrf)}
<button type="submit" class="small">${status.totpPending ? 'Start setup again' : 'Set up authenticator app'}</button></form>`;
  const smsAction = smsOn
    ? html`<a class="button secondary small" href="${disablePath('sms')}">Turn off<span class="visually-hidden"> text message codes</span></a>`
    : html`<a class="button small" href="${SMS_PATH}">Add a phone number</a>`;
  return html`<section class="panel method" aria-labelledby="totp-title">
<div><h2 id="totp-title">${METHOD_LABELS.totp} ${badge(totpOn, totpOn ? 'On' : status.totpPending ? 'Setup not finished' : 'Off')}</h2>
<p>${
    totpOn
      ? `A code from your app is asked after your password. ${status.recoveryCodesRemaining} recovery code${status.recoveryCodesRemaining === 1 ? '' : 's'} left.`
      : 'Use an app such as 1Password, Google Authenticator or Authy for a code at each sign-in.'
  }</p></div>
${totpAction}
</section>
<section class="panel method" aria-labelledby="sms-title">
<div><h2 id="sms-title">${METHOD_LABELS.sms} ${badge(smsOn)}</h2>
<p>${smsOn ? `Codes are sent to ${status.smsPhoneNumberHint ?? 'your phone'}.` : 'Get a code by text message at each sign-in.'}</p></div>
${smsAction}
</section>`;
}

/** Scan or type the secret, then prove it with a first code. */
export function totpSetup(options: {
  csrf: string;
  qrDataUrl: string;
  secret: string;
  errors?: readonly FieldError[] | undefined;
}): SafeHtml {
  const errors = fieldErrors(options.errors);
  // Groups of four to read and type; a line may break between groups, never inside one.
  const groups = (options.secret.match(/.{1,4}/g) ?? [options.secret]).map(
    (group) => html`<span class="key-group">${group}</span>`,
  );
  const grouped = groups.flatMap((group, i) => (i === 0 ? [group] : [html` `, group]));
  return html`<section class="panel narrow" aria-labelledby="totp-setup-title">
<h2 id="totp-setup-title" class="visually-hidden">Steps</h2>
<ol class="steps">
<li><p><strong>Scan this QR code</strong> with your authenticator app.</p>
<img class="qr" src="${options.qrDataUrl}" alt="QR code that adds your Semaswift account to an authenticator app" width="192" height="192">
<p>Can’t scan it? Enter this setup key instead:</p>
<div class="secret-box"><code id="totp-secret" class="setup-key">${grouped}</code>
<button type="button" class="secondary small" data-copy="totp-secret" data-copy-compact hidden>Copy key</button></div></li>
<li><form method="post" action="${TOTP_PATH}/confirm">${csrfInput(options.csrf)}
<div class="field"><label for="code">Enter the 6-digit code from the app</label>
<input id="code" name="code" type="text" class="code-input" inputmode="numeric" autocomplete="one-time-code" required${errors.attributes('code')}>
${errors.message('code')}</div>
<div class="button-row"><button type="submit">Turn on</button><a class="button secondary" href="${SECURITY_PATH}">Cancel</a></div>
</form></li>
</ol>
</section>`;
}

/** The recovery codes, shown once: list, download, copy. */
export function recoveryCodesPanel(codes: readonly string[]): SafeHtml {
  const text = `Semaswift recovery codes\nEach code works once, when you cannot use your authenticator app.\n\n${codes.join('\n')}\n`;
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return html`<section class="panel narrow" aria-labelledby="codes-title">
<h2 id="codes-title">Your recovery codes</h2>
<p class="warning"><strong>Save these codes now. They won’t be shown again.</strong></p>
<p>If you lose your phone, each code signs you in once instead of a code from the app.</p>
<ol class="codes" id="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
<div class="button-row"><a class="button secondary" href="${download}" download="semaswift-recovery-codes.txt">Download</a>
<button type="button" class="secondary" data-copy="recovery-codes" hidden>Copy</button>
<a class="button" href="${SECURITY_PATH}">I’ve saved them</a></div>
</section>`;
}

/** SMS enrolment, step 1: the number. */
export function smsPhoneForm(
  csrf: string,
  phoneNumber = '',
  fieldErrorList?: readonly FieldError[],
): SafeHtml {
  const errors = fieldErrors(fieldErrorList);
  return html`<form method="post" action="${SMS_PATH}" class="panel narrow">${csrfInput(csrf)}
<div class="field"><label for="phone">Mobile phone number</label>
<input id="phone" name="phone_number" type="tel" autocomplete="tel" required value="${phoneNumber}"${errors.attributes('phone', { hint: 'phone-hint', focusByDefault: true })}>
${errors.message('phone')}<p class="hint" id="phone-hint">With the country code, like +49 151 12345678.</p></div>
<div class="button-row"><button type="submit">Send code</button><a class="button secondary" href="${SECURITY_PATH}">Cancel</a></div>
</form>`;
}

/** SMS enrolment, step 2: the code that was sent. */
export function smsCodeForm(csrf: string, fieldErrorList?: readonly FieldError[]): SafeHtml {
  const errors = fieldErrors(fieldErrorList);
  return html`<form method="post" action="${SMS_PATH}/confirm" class="panel narrow">${csrfInput(csrf)}
<div class="field"><label for="code">Enter the 6-digit code we sent</label>
<input id="code" name="code" type="text" class="code-input" inputmode="numeric" autocomplete="one-time-code" required${errors.attributes('code', { focusByDefault: true })}>
${errors.message('code')}</div>
<div class="button-row"><button type="submit">Turn on</button><a class="button secondary" href="${SMS_PATH}">Use another number</a></div>
</form>`;
}

/** Turning a method off: the password again, or a code from a method that stays on. */
export function disableForms(options: {
  csrf: string;
  method: MfaMethod;
  staying: readonly MfaMethod[];
  errors?: readonly FieldError[] | undefined;
}): SafeHtml {
  const errors = fieldErrors(options.errors);
  const action = disablePath(options.method);
  const other = options.staying[0];
  const codeForm =
    other === undefined
      ? ''
      : html`<p class="or">or</p>
<form method="post" action="${action}">${csrfInput(options.csrf)}<input type="hidden" name="code_method" value="${other}">
<div class="field"><label for="code">${other === 'totp' ? 'Code from your authenticator app' : 'Code from a text message'}</label>
<input id="code" name="code" type="text" class="code-input" inputmode="numeric" autocomplete="one-time-code" required${errors.attributes('code')}>
${errors.message('code')}</div>
<div class="button-row"><button type="submit" class="danger">Turn off with the code</button></div>
</form>
${
  other === 'sms'
    ? html`<form method="post" action="${SMS_PATH}/send-code" class="secondary-forms">${csrfInput(options.csrf)}
<button type="submit" class="link-button">Send me a code by text message</button></form>`
    : ''
}`;
  return html`<section class="panel narrow" aria-labelledby="confirm-title">
<h2 id="confirm-title">Confirm it’s you</h2>
<form method="post" action="${action}">${csrfInput(options.csrf)}
<div class="field short"><label for="password">Your password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${errors.attributes('password')}>
${errors.message('password')}</div>
<div class="button-row"><button type="submit" class="danger">Turn off</button><a class="button secondary" href="${SECURITY_PATH}">Cancel</a></div>
</form>
${codeForm}
</section>`;
}
