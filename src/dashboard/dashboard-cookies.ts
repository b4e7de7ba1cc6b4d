import { OAUTH_LIFETIMES } from '../oauth/provider-config.ts';
import type { HttpRequest } from '../server/http-types.ts';
import { readCookies, serializeCookie } from '../web/cookies.ts';
import type { CookieSealer } from '../web/sealed-cookie.ts';
import { DASHBOARD_PATH } from './dashboard-client.ts';

/** One sealed cookie: read from a request, or the `Set-Cookie` that sets or clears it. */
export interface SealedCookie<T> {
  read(req: HttpRequest): T | undefined;
  /** `maxAge` in seconds. */
  set(value: T, maxAge: number): string;
  clear(): string;
}

/** The signed-in dashboard: our provider's access token for the dashboard, kept server-side. */
export interface DashboardSession {
  accessToken: string;
  /** The token's `exp`, epoch seconds. */
  expiresAt: number;
}

/** A sign-in on its way through `/oauth2/auth`, for the callback to check and finish. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The dashboard page to land on afterwards. */
  returnTo: string;
}

/** What the next page shows once, after a form's redirect (Post/Redirect/Get). */
export interface Flash {
  /** The user it is for: another user signing in on the browser never sees it. */
  userId: string;
  notice?: string;
  error?: string;
  /** A token just created: its only showing. */
  newToken?: { name: string; token: string; expiresAt: number };
  /** Recovery codes just issued: their only showing. */
  recoveryCodes?: string[];
  /** An SMS enrolment code was just sent to this number (masked). */
  smsSentTo?: string;
}

/** A TOTP enrolment waiting for its first code: the QR code must be shown again after a typo. */
export interface PendingTotp {
  userId: string;
  secret: string;
  otpauthUrl: string;
}

/** Every cookie the dashboard keeps. */
export interface DashboardCookies {
  session: SealedCookie<DashboardSession>;
  signIn: SealedCookie<SignInTransaction>;
  flash: SealedCookie<Flash>;
  pendingTotp: SealedCookie<PendingTotp>;
}

/** How long a sign-in may take: as long as the provider's sign-in pages last. */
export const SIGN_IN_SECONDS = OAUTH_LIFETIMES.interaction;
/** A flash waits at most this long for its page (it is read at the very next one). */
export const FLASH_SECONDS = 5 * 60;
/** How long a TOTP setup page can be left open before it must be started again. */
export const PENDING_TOTP_SECONDS = 10 * 60;

/**
 * The dashboard's cookies, all sealed (AES-256-GCM) and HttpOnly, `__Secure-` and Secure under
 * TLS, each on the narrowest path that reads it. SameSite=Strict, except the sign-in transaction:
 * it must come back with the provider's redirect to the callback, which may be the end of a
 * navigation another site started (Lax).
 */
export function createDashboardCookies(options: { sealer: CookieSealer; secure: boolean }): DashboardCookies {
  const { sealer, secure } = options;
  function cookie<T>(base: string, path: string, sameSite: 'Strict' | 'Lax'): SealedCookie<T> {
    const name = secure ? `__Secure-${base}` : base;
    return {
      read: (req) => sealer.open<T>(name, readCookies(req.headers).get(name)),
      set: (value, maxAge) =>
        serializeCookie(name, sealer.seal(name, value), { path, maxAge, secure, sameSite }),
      clear: () => serializeCookie(name, '', { path, maxAge: 0, secure, sameSite }),
    };
  }
  return {
    session: cookie('semaswift_dashboard', DASHBOARD_PATH, 'Strict'),
    signIn: cookie('semaswift_dashboard_signin', `${DASHBOARD_PATH}/callback`, 'Lax'),
    flash: cookie('semaswift_dashboard_flash', DASHBOARD_PATH, 'Strict'),
    pendingTotp: cookie('semaswift_dashboard_totp', `${DASHBOARD_PATH}/settings/security`, 'Strict'),
  };
}
