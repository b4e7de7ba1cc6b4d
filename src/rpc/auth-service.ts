import type { ServiceImpl } from '@connectrpc/connect';
import type { Refresh } from '../auth/refresh.ts';
import type { Sessions, TokenPair } from '../auth/sessions.ts';
import type { SignIn } from '../auth/sign-in.ts';
import type { AuthService } from '../gen/semaswift/auth/v1/auth_service_pb.js';
import type { MfaSignIn } from '../mfa/mfa-sign-in.ts';
import { clientAddressKey, noStore } from './call-context.ts';
import { requireField } from './fields.ts';
import type { MfaSettingsHandlers } from './mfa-settings-handlers.ts';

export interface AuthServiceDeps {
  signIn: SignIn;
  mfaSignIn: MfaSignIn;
  refresh: Refresh;
  sessions: Sessions;
  /** The signed-in MFA RPCs (`mfa-settings-handlers.ts`). */
  mfaSettings: MfaSettingsHandlers;
}

const tokenFields = (pair: TokenPair) => ({
  accessToken: pair.accessToken,
  refreshToken: pair.refreshToken,
  tokenType: pair.tokenType,
  expiresIn: pair.expiresIn,
});

/** `semaswift.auth.v1.AuthService` over the sign-in, MFA and session domain. */
export function createAuthService(deps: AuthServiceDeps): ServiceImpl<typeof AuthService> {
  return {
    async login(request, context) {
      const email = requireField(request.email, 'email');
      const password = requireField(request.password, 'password');
      const result = await deps.signIn(email, password, context.values.get(clientAddressKey));
      // The mfa_token is a credential too: neither answer may be cached.
      noStore(context);
      if (result.kind === 'mfa') {
        const { mfaToken, methods } = result.challenge;
        return { mfaRequired: true, mfaToken, mfaMethods: methods };
      }
      return tokenFields(result.tokens);
    },
    async verifyMfa(request, context) {
      const pair = await deps.mfaSignIn.verify(
        {
          mfaToken: requireField(request.mfaToken, 'mfa_token'),
          method: requireField(request.method, 'method'),
          code: requireField(request.code, 'code'),
        },
        context.values.get(clientAddressKey),
      );
      noStore(context);
      return tokenFields(pair);
    },
    async challengeMfa(request) {
      await deps.mfaSignIn.sendCode({
        mfaToken: requireField(request.mfaToken, 'mfa_token'),
        method: requireField(request.method, 'method'),
      });
      return {};
    },
    async refresh(request, context) {
      const token = requireField(request.refreshToken, 'refresh_token');
      const pair = await deps.refresh(token, context.values.get(clientAddressKey));
      noStore(context);
      return tokenFields(pair);
    },
    async logout(request) {
      await deps.sessions.end(requireField(request.refreshToken, 'refresh_token'));
      return {};
    },
    ...deps.mfaSettings,
  };
}
