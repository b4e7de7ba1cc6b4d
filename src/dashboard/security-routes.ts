import type { Mfa } from '../mfa/create-mfa.ts';
import type { MfaMethod } from '../mfa/mfa-policy.ts';
import { normalizePhoneNumber, phoneNumberHint } from '../mfa/phone-number.ts';
import type { SafeHtml } from '../web/html.ts';
import { type DashboardCookies, PENDING_TOTP_SECONDS } from './dashboard-cookies.ts';
import { redirectTo, type SignedIn, sendDashboardPage } from './dashboard-http.ts';
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
    options: { lead?: string | undefined; error?: string | undefined } = {},
  ) => sendDashboardPage(ctx, status, { title, section: 'security', body, ...options });

  /** The pending enrolment's QR page, from the cookie that holds its secret. */
  async function showTotpSetup(ctx: SignedIn, status: number, error?: string): Promise<void> {
    const pending = cookies.pendingTotp.read(ctx.req);
    if (!pending || pending.userId !== ctx.user.id) return redirectTo(ctx, SECURITY_PATH);
    const body = totpSetup({
      csrf: ctx.csrf,
      qrDataUrl: await qrCodeDataUrl(pending.otpauthUrl),
      secret: pending.secret,
    });
    page(ctx, status, 'Set up your authenticator app', body, { error });
  }

  async function showDisable(
    ctx: SignedIn,
    method: MfaMethod,
    status: number,
    error?: string,
  ): Promise<void> {
    const { methods } = await mfa.status(ctx.user.id);
    if (!methods.includes(method)) return redirectTo(ctx, SECURITY_PATH);
    const lead = `Confirm it’s you to turn off ${METHOD_PHRASES[method]}.${method === 'totp' ? ' Your recovery codes stop working too.' : ''}`;
    const body = disableForms({ csrf: ctx.csrf, method, staying: methods.filter((m) => m !== method) });
    page(ctx, status, `Turn off ${METHOD_PHRASES[method]}`, body, { lead, error });
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
        const { status, message } = refusalOf(error);
        return showDisable(ctx, method, status, message);
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
        const { status, message } = refusalOf(error);
        return showTotpSetup(ctx, status, message);
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
        const { status, message } = refusalOf(error);
        return page(ctx, status, 'Add a phone number', smsPhoneForm(ctx.csrf, typed), { error: message });
      }
      ctx.setFlash({ smsSentTo: phoneNumberHint(normalizePhoneNumber(typed)) });
      redirectTo(ctx, `${SMS_PATH}?step=verify`);
    },

    async confirmSms(ctx: SignedIn): Promise<void> {
      try {
        await mfa.sms.confirm(ctx.user, ctx.form.get('code') ?? '');
      } catch (error) {
        const { status, message } = refusalOf(error);
        return page(ctx, status, 'Add a phone number', smsCodeForm(ctx.csrf), { error: message });
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
