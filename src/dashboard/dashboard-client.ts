import type { Logger } from 'pino';
import type { OAuthClientRecord, OAuthStore } from '../oauth/oauth-store.ts';
import { PERMISSIONS } from '../users/roles.ts';

/** The dashboard's client id at our own OAuth provider. */
export const DASHBOARD_CLIENT_ID = 'semaswift-dashboard';

/** Where the dashboard lives on the main port. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * What the dashboard asks for: who the user is, and every permission scope. A token the user makes
 * on the API Keys page may carry any of their own permissions, and the PAT domain lets a caller
 * hand out only what the caller holds, so the dashboard's token must hold all of the user's (the
 * provider intersects the scopes with the user's permissions: an agent's token carries an agent's).
 */
export const DASHBOARD_SCOPES: readonly string[] = ['openid', 'profile', 'email', ...PERMISSIONS];

/** The dashboard's redirect URI under `issuer`. */
export const dashboardRedirectUri = (issuer: string): string => `${issuer}${DASHBOARD_PATH}/callback`;

/**
 * The dashboard as a client of our provider: first-party (no consent page), public (it keeps no
 * secret; PKCE S256 instead), one redirect URI under the issuer.
 */
export function dashboardClientRecord(issuer: string, now: number): OAuthClientRecord {
  return {
    id: DASHBOARD_CLIENT_ID,
    name: 'Semaswift Dashboard',
    secretHash: null,
    redirectUris: [dashboardRedirectUri(issuer)],
    scopes: [...DASHBOARD_SCOPES],
    firstParty: true,
    createdAt: now,
  };
}

/**
 * Registers the dashboard client at start-up, or brings its registration up to date: it is ours,
 * so its redirect URI follows this server's `--issuer` (the service moved) and its scopes follow
 * this version's permissions. Replicas starting together race to create it; the loser finds the
 * winner's.
 */
export async function ensureDashboardClient(
  store: Pick<OAuthStore, 'findOAuthClient' | 'createOAuthClient' | 'updateOAuthClientRegistration'>,
  options: { issuer: string; logger: Logger; now?: number },
): Promise<void> {
  const wanted = dashboardClientRecord(options.issuer, options.now ?? Math.floor(Date.now() / 1000));
  let found = await store.findOAuthClient(DASHBOARD_CLIENT_ID);
  if (!found) {
    try {
      await store.createOAuthClient(wanted);
      return;
    } catch (error) {
      found = await store.findOAuthClient(DASHBOARD_CLIENT_ID);
      if (!found) throw error;
    }
  }
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x) => b.includes(x));
  if (
    same(found.redirectUris, wanted.redirectUris) &&
    same(found.scopes, wanted.scopes) &&
    found.firstParty &&
    found.secretHash === null
  ) {
    return;
  }
  if (found.secretHash !== null) {
    // Someone registered a confidential client under our id: not ours to rewrite.
    options.logger.error(
      { clientId: DASHBOARD_CLIENT_ID },
      'a confidential client holds the dashboard client id; dashboard sign-in will fail',
    );
    return;
  }
  await store.updateOAuthClientRegistration(wanted);
  options.logger.info(
    { clientId: DASHBOARD_CLIENT_ID, was: found.redirectUris, now: wanted.redirectUris },
    'updated the dashboard client registration for this issuer',
  );
}
