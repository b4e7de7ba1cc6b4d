import { tokenInvalid } from '../errors/auth-error.ts';
import type { OAuthStore } from './oauth-store.ts';
import { oauthIdHash } from './provider-adapter.ts';

/** How long "this grant is active" is believed without asking storage again. */
export const ACTIVE_GRANT_CACHE_SECONDS = 30;
const MAX_ENTRIES = 10_000;

export interface GrantLiveness {
  /**
   * Throws TOKEN_INVALID unless the grant an OAuth access token was issued under still stands. A
   * grant goes when the user revokes a token at `/oauth2/revoke`, when a code or refresh token is
   * replayed, when it expires, and when its user is removed.
   */
  assertActive(grantId: string, userId: string): Promise<void>;
  /** Records that a grant was just revoked in this process: its tokens stop working at once. */
  markRevoked(grantId: string): void;
  /** Forgets what is believed about a user's grants (the user changed or was removed). */
  forgetUser(userId: string): void;
  /** Forgets what is believed about every grant that still stood (change-feed events were missed). */
  forgetActive(): void;
}

const REVOKED = { until: 0, userId: '' };

/**
 * Whether OAuth grants still stand, for the authenticator: our access tokens are JWTs, so this is
 * what makes revoking one take effect before it expires. An active grant is cached for
 * {@link ACTIVE_GRANT_CACHE_SECONDS}: a revocation on another replica is seen within that (a
 * removed user at once, through the change feed); a revoked one for good, since revocation is final.
 */
export function createGrantLiveness(deps: { store: OAuthStore; now?: () => number }): GrantLiveness {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  /** grantId → until when it is believed active (0: known revoked), and whose it is. */
  const known = new Map<string, { until: number; userId: string }>();

  const remember = (grantId: string, entry: { until: number; userId: string }) => {
    known.delete(grantId);
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value as string);
    known.set(grantId, entry);
  };
  const revoked = () => tokenInvalid('The authorization behind this token was revoked.');

  return {
    async assertActive(grantId, userId) {
      const cached = known.get(grantId);
      if (cached === REVOKED) throw revoked();
      const at = now();
      if (cached !== undefined && cached.until > at) return;
      const grant = await deps.store.findOAuthRecord('Grant', oauthIdHash(grantId));
      if (!grant || grant.accountId !== userId || (grant.expiresAt !== null && grant.expiresAt <= at)) {
        remember(grantId, REVOKED);
        throw revoked();
      }
      remember(grantId, {
        until: Math.min(at + ACTIVE_GRANT_CACHE_SECONDS, grant.expiresAt ?? Infinity),
        userId,
      });
    },
    markRevoked(grantId) {
      remember(grantId, REVOKED);
    },
    forgetUser(userId) {
      for (const [grantId, entry] of known) if (entry.userId === userId) known.delete(grantId);
    },
    forgetActive() {
      for (const [grantId, entry] of known) if (entry !== REVOKED) known.delete(grantId);
    },
  };
}
