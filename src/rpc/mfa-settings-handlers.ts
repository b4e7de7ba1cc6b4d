import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AuthError, tokenInvalid } from '../errors/auth-error.ts';
import type { AuthService } from '../gen/semaswift/auth/v1/auth_service_pb.js';
import type { Mfa } from '../mfa/create-mfa.ts';
import type { UserRecord } from '../storage/store.ts';
import { clientAddressKey, noStore, principalOf } from './call-context.ts';
import { requireField } from './fields.ts';

/** The signed-in MFA RPCs: status, enrolment, turning a method off. */
export type MfaSettingsHandlers = Pick<
  ServiceImpl<typeof AuthService>,
  'getMfaStatus' | 'enrollTotp' | 'confirmTotp' | 'enrollSms' | 'confirmSms' | 'sendSmsCode' | 'disableMfa'
>;

export interface MfaSettingsDeps {
  mfa: Mfa;
  findUser(userId: string): Promise<UserRecord | undefined>;
}

/** The MFA settings part of `semaswift.auth.v1.AuthService`. */
export function createMfaSettingsHandlers(deps: MfaSettingsDeps): MfaSettingsHandlers {
  const { mfa } = deps;

  /**
   * The signed-in user, when the credential is one of their sessions. A PAT (a script's key) or an
   * OAuth client's token must not change how the account itself is protected.
   */
  async function sessionUser(context: HandlerContext): Promise<UserRecord> {
    const principal = principalOf(context);
    if (principal.authMethod !== 'jwt' || principal.clientId !== undefined) {
      throw new AuthError(
        'INSUFFICIENT_PERMISSIONS',
        'MFA settings need a signed-in session; personal access tokens and OAuth client tokens cannot change them.',
      );
    }
    const user = await deps.findUser(principal.userId);
    if (!user) throw tokenInvalid('The account no longer exists.');
    return user;
  }

  return {
    async getMfaStatus(_request, context) {
      return mfa.status((await sessionUser(context)).id);
    },
    async enrollTotp(_request, context) {
      const { secret, otpauthUrl } = await mfa.totp.enroll(await sessionUser(context));
      noStore(context);
      return { secret, otpauthUrl };
    },
    async confirmTotp(request, context) {
      const user = await sessionUser(context);
      const recoveryCodes = await mfa.totp.confirm(user, requireField(request.code, 'code'));
      noStore(context);
      return { recoveryCodes };
    },
    async enrollSms(request, context) {
      const user = await sessionUser(context);
      await mfa.sms.enroll(user, requireField(request.phoneNumber, 'phone_number'));
      return {};
    },
    async confirmSms(request, context) {
      const user = await sessionUser(context);
      await mfa.sms.confirm(user, requireField(request.code, 'code'));
      return {};
    },
    async sendSmsCode(_request, context) {
      await mfa.sms.sendStepUpCode(await sessionUser(context));
      return {};
    },
    async disableMfa(request, context) {
      const user = await sessionUser(context);
      const proof = { password: request.password, code: request.code, codeMethod: request.codeMethod };
      await mfa.disable(
        user,
        requireField(request.method, 'method'),
        proof,
        context.values.get(clientAddressKey),
      );
      return {};
    },
  };
}
