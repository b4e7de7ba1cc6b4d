import type { Mfa } from '../mfa/create-mfa.ts';
import type { MfaMethod } from '../mfa/mfa-policy.ts';
import { normalizePhoneNumber, phoneNumberHint } from '../mfa/phone-number.ts';
import type { SafeHtml } from '../web/html.ts';
import { type DashboardCookies, PENDING_TOTP_SECONDS } from './dashboard-cookies.ts';
import { redirectTo, type SignedIn, sendDashboardPage } from './dashboard-http.ts';
import type { FieldError } from './field-errors.ts';
import { qrCodeDataUrl } from './qr-code.ts';
import { refusalOf } from './refusal.ts';
import {
  disableForms,
  disablePath,
  METHOD_LABELS,
  METHOD_PHRASES,
  RECOVERY_CODES_PATH,
  recoveryCodesPanel,
  SECURITY_PATH,
  SMS_PATH,
  securityOverview,
  smsCodeForm,
  smsPhoneForm,
  TOTP_PATH,
  totpSetup,
} from './security-view.ts';

const SECURITY_LEAD =
  'Two-step verification asks for a code after your password, so a stolen password is not enough.';

/**
 * A refusal of a one-field form, as that field's error. The MFA domain speaks to API clients in
 * its field names (`phone_number`, `code_method`) for malformed input (400); the page says what
 * to do in the words of its own label instead.
 */
function refusalFor(
  error: unknown,
  field: string,
  malformed: string,
): { status: number; errors: FieldError[] } {
  const { status, message } = refusalOf(error);
  return { status, errors: [{ field, message: status === 400 ? malformed : message }] };
}

/**
 * Settings > Security: the MFA domain (src/mfa) for the signed-in user, with its rules (one code
 * use, brute-force limits, a proof to turn a method off). The API lets only a sign-in session
 * change these, not PATs or third-party apps; the dashboard's token is a first-party session that
 * never leaves the server (it lives sealed in an HttpOnly cookie).
 */
export function createSecurityRoutes(deps: { mfa: Mfa; cookies: DashboardCookies }) {
  const { mfa, cookies } = deps;

  const page = (
    ctx: SignedIn,
    status: number,
    title: string,
    body: SafeHtml,
    options: { lead?: string | undefined; errors?: FieldError[] | undefined } = {},
  ) => sendDashboardPage(ctx, status, { title, section: 'security', body, ...options });

  /** The pending enrolment's QR page, from the cookie that holds its secret. */
  async function showTotpSetup(ctx: SignedIn, status: number, errors?: FieldError[]): Promise<void> {
    const pending = cookies.pendingTotp.read(ctx.req);
    if (!pending || pending.userId !== ctx.user.id) return redirectTo(ctx, SECURITY_PATH);
    const body = totpSetup({
      csrf: ctx.csrf,
      qrDataUrl: await qrCodeDataUrl(pending.otpauthUrl),
      secret: pending.secret,
      errors,
    });
    page(ctx, status, 'Set up your authenticator app', body, { errors });
  }

  async function showDisable(
    ctx: SignedIn,
    method: MfaMethod,
    status: number,
    errors?: FieldError[],
  ): Promise<void> {
    const { methods } = await mfa.status(ctx.user.id);
    if (!methods.includes(method)) return redirectTo(ctx, SECURITY_PATH);
    const lead = `Confirm it’s you to turn off ${METHOD_PHRASES[method]}.${method === 'totp' ? ' Your recovery codes stop working too.' : ''}`;
    const body = disableForms({
      csrf: ctx.csrf,
      method,
      staying: methods.filter((m) => m !== method),
      errors,
    });
    page(ctx, status, `Turn off ${METHOD_PHRASES[method]}`, body, { lead, errors });
  }

  const disable = (method: MfaMethod) => ({
    show: (ctx: SignedIn) => showDisable(ctx, method, 200),
    async submit(ctx: SignedIn): Promise<void> {
      const proof = {
        password: ctx.form.get('password') ?? '',
        code: ctx.form.get('code') ?? '',
        codeMethod: ctx.form.get('code_method') ?? '',
      };
      try {
        await mfa.disable(ctx.user, method, proof, ctx.clientAddress);
      } catch (error) {
        // The refusal belongs to the proof that was given: the password, else the code.
        const { status, errors } =
          proof.password !== '' || proof.code === ''
            ? refusalFor(error, 'password', 'Enter your password.')
            : refusalFor(error, 'code', 'Enter the code, or turn it off with your password.');
        return showDisable(ctx, method, status, errors);
      }
      if (method === 'totp') ctx.cookies.push(cookies.pendingTotp.clear());
      ctx.setFlash({ notice: `${METHOD_LABELS[method]} is off.` });
      redirectTo(ctx, SECURITY_PATH);
    },
  });

  return {
    async overview(ctx: SignedIn): Promise<void> {
      page(ctx, 200, 'Security', securityOverview(await mfa.status(ctx.user.id), ctx.csrf), {
        lead: SECURITY_LEAD,
      });
    },

    async startTotp(ctx: SignedIn): Promise<void> {
      try {
        const { secret, otpauthUrl } = await mfa.totp.enroll(ctx.user);
        ctx.cookies.push(
          cookies.pendingTotp.set({ userId: ctx.user.id, secret, otpauthUrl }, PENDING_TOTP_SECONDS),
        );
      } catch (error) {
        ctx.setFlash({ error: refusalOf(error).message });
        return redirectTo(ctx, SECURITY_PATH);
      }
      redirectTo(ctx, TOTP_PATH);
    },

    showTotp: (ctx: SignedIn) => showTotpSetup(ctx, 200),

    async confirmTotp(ctx: SignedIn): Promise<void> {
      let recoveryCodes: string[];
      try {
        recoveryCodes = await mfa.totp.confirm(ctx.user, ctx.form.get('code') ?? '');
      } catch (error) {
        const { status, errors } = refusalFor(error, 'code', 'Enter the 6-digit code your app shows now.');
        return showTotpSetup(ctx, status, errors);
      }
      ctx.cookies.push(cookies.pendingTotp.clear());
      ctx.setFlash({ recoveryCodes, notice: 'Your authenticator app is on.' });
      redirectTo(ctx, RECOVERY_CODES_PATH);
    },

    async recoveryCodes(ctx: SignedIn): Promise<void> {
      const codes = ctx.flash?.recoveryCodes;
      if (!codes) return redirectTo(ctx, SECURITY_PATH);
      page(ctx, 200, 'Save your recovery codes', recoveryCodesPanel(codes));
    },

    async showSms(ctx: SignedIn): Promise<void> {
      const query = new URLSearchParams((ctx.req.url ?? '').split('?')[1] ?? '');
      const verifying = query.get('step') === 'verify';
      const sentTo = ctx.flash?.smsSentTo;
      const lead = verifying
        ? `We sent a code${sentTo ? ` to ${sentTo}` : ''}. It is valid for a few minutes.`
        : 'We send a code to this number to check it is yours.';
      page(ctx, 200, 'Add a phone number', verifying ? smsCodeForm(ctx.csrf) : smsPhoneForm(ctx.csrf), {
        lead,
      });
    },

    async enrollSms(ctx: SignedIn): Promise<void> {
      const typed = ctx.form.get('phone_number') ?? '';
      try {
        await mfa.sms.enroll(ctx.user, typed);
      } catch (error) {
        const { status, errors } = refusalFor(
          error,
          'phone',
          'Enter the phone number with its country code, like +49 151 12345678.',
        );
        return page(ctx, status, 'Add a phone number', smsPhoneForm(ctx.csrf, typed, errors), { errors });
      }
      ctx.setFlash({ smsSentTo: phoneNumberHint(normalizePhoneNumber(typed)) });
      redirectTo(ctx, `${SMS_PATH}?step=verify`);
    },

    async confirmSms(ctx: SignedIn): Promise<void> {
      try {
        await mfa.sms.confirm(ctx.user, ctx.form.get('code') ?? '');
      } catch (error) {
        const { status, errors } = refusalFor(error, 'code', 'Enter the 6-digit code we sent.');
        return page(ctx, status, 'Add a phone number', smsCodeForm(ctx.csrf, errors), { errors });
      }
      ctx.setFlash({ notice: 'Text message verification is on.' });
      redirectTo(ctx, SECURITY_PATH);
    },

    /** A code by SMS, as the proof for turning the authenticator app off. */
    async sendStepUpCode(ctx: SignedIn): Promise<void> {
      try {
        await mfa.sms.sendStepUpCode(ctx.user);
        ctx.setFlash({ notice: 'We sent a code to your phone. It is valid for a few minutes.' });
      } catch (error) {
        ctx.setFlash({ error: refusalOf(error).message });
      }
      redirectTo(ctx, disablePath('totp'));
    },

    disableTotp: disable('totp'),
    disableSms: disable('sms'),
  };
}
