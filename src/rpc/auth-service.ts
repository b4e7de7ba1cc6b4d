import type { ServiceImpl } from '@connectrpc/connect';
import type { Refresh } from '../auth/refresh.ts';
import type { Sessions, TokenPair } from '../auth/sessions.ts';
import type { SignIn } from '../auth/sign-in.ts';
import type { AuthService } from '../gen/semaswift/auth/v1/auth_service_pb.js';
import { clientAddressKey, noStore } from './call-context.ts';
import { requireField } from './fields.ts';

export interface AuthServiceDeps {
  signIn: SignIn;
  refresh: Refresh;
  sessions: Sessions;
}

const tokenFields = (pair: TokenPair) => ({
  accessToken: pair.accessToken,
  refreshToken: pair.refreshToken,
  tokenType: pair.tokenType,
  expiresIn: pair.expiresIn,
});

/** `semaswift.auth.v1.AuthService` over the sign-in and session domain. */
export function createAuthService(deps: AuthServiceDeps): ServiceImpl<typeof AuthService> {
  return {
    async login(request, context) {
      const email = requireField(request.email, 'email');
      const password = requireField(request.password, 'password');
      const pair = await deps.signIn(email, password, context.values.get(clientAddressKey));
      noStore(context);
      return tokenFields(pair);
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
  };
}
