import type { createApiKeyRoutes } from './api-keys-routes.ts';
import { API_KEYS_PATH, NEW_TOKEN_PATH, REVOKE_PATH } from './api-keys-view.ts';
import type { SignedIn } from './dashboard-http.ts';
import type { Section } from './dashboard-layout.ts';
import type { createSecurityRoutes } from './security-routes.ts';
import { disablePath, RECOVERY_CODES_PATH, SECURITY_PATH, SMS_PATH, TOTP_PATH } from './security-view.ts';

/** A page or form action, run for a signed-in user. */
export type Action = (ctx: SignedIn) => Promise<void>;

/** The signed-in routes by method and exact path. */
export interface RouteTable {
  GET: ReadonlyMap<string, Action>;
  POST: ReadonlyMap<string, Action>;
}

/** Every signed-in page (GET) and form action (POST) of the dashboard, by exact path. */
export function routeTable(
  apiKeys: ReturnType<typeof createApiKeyRoutes>,
  security: ReturnType<typeof createSecurityRoutes>,
): RouteTable {
  return {
    GET: new Map<string, Action>([
      [API_KEYS_PATH, apiKeys.list],
      [NEW_TOKEN_PATH, apiKeys.showNew],
      [SECURITY_PATH, security.overview],
      [TOTP_PATH, security.showTotp],
      [RECOVERY_CODES_PATH, security.recoveryCodes],
      [SMS_PATH, security.showSms],
      [disablePath('totp'), security.disableTotp.show],
      [disablePath('sms'), security.disableSms.show],
    ]),
    POST: new Map<string, Action>([
      [NEW_TOKEN_PATH, apiKeys.create],
      [REVOKE_PATH, apiKeys.revoke],
      [TOTP_PATH, security.startTotp],
      [`${TOTP_PATH}/confirm`, security.confirmTotp],
      [SMS_PATH, security.enrollSms],
      [`${SMS_PATH}/confirm`, security.confirmSms],
      [`${SMS_PATH}/send-code`, security.sendStepUpCode],
      [disablePath('totp'), security.disableTotp.submit],
      [disablePath('sms'), security.disableSms.submit],
    ]),
  };
}

/** The settings page a path belongs to. */
export const sectionOf = (path: string): Section =>
  path.startsWith(SECURITY_PATH) ? 'security' : 'api-keys';

/**
 * Where to land after signing in for a request to `path`: the page itself, or for a form action
 * (whose form data cannot survive the sign-in) the page it belongs to.
 */
export function pageFor(table: RouteTable, path: string): string {
  if (table.GET.has(path)) return path;
  return sectionOf(path) === 'security' ? SECURITY_PATH : API_KEYS_PATH;
}
