import { AuthError, tokenInvalid } from '../errors/auth-error.ts';
import { newId } from '../ids/new-id.ts';
import type { Store, UserRecord } from '../storage/store.ts';
import type { TokenSigner } from '../tokens/token-signer.ts';
import { refreshTokenHash } from '../tokens/token-signer.ts';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import { permissionsOf } from '../users/roles.ts';

/** The token pair of CONTRACT §4. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface Sessions {
  /** Starts a session (a refresh-token family) for a signed-in user. */
  start(user: UserRecord, amr: string[]): Promise<TokenPair>;
  /** Spends a refresh token for a new pair; a spent token revokes its family. */
  refresh(refreshToken: string): Promise<TokenPair>;
  /** Revokes the session the refresh token belongs to. */
  end(refreshToken: string): Promise<void>;
}

export interface SessionsDeps {
  store: Store;
  signer: TokenSigner;
  verifier: TokenVerifier;
  now?: () => number;
}

export function createSessions(deps: SessionsDeps): Sessions {
  const { store, signer, verifier } = deps;
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));

  async function pairFor(
    user: UserRecord,
    familyId: string,
    amr: string[] | undefined,
    refreshToken: string,
  ) {
    const accessToken = await signer.signAccessToken({
      userId: user.id,
      organizationId: user.organizationId,
      roles: user.roles,
      permissions: permissionsOf(user.roles),
      familyId,
      ...(amr ? { amr } : {}),
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: signer.accessTokenTtl } as const;
  }

  return {
    async start(user, amr) {
      const familyId = newId('fam');
      const refresh = await signer.signRefreshToken(user.id, familyId, amr);
      await store.createRefreshFamily({
        familyId,
        userId: user.id,
        tokenHash: refresh.tokenHash,
        tokenExpiresAt: refresh.expiresAt,
        createdAt: now(),
      });
      return pairFor(user, familyId, amr, refresh.token);
    },

    async refresh(refreshToken) {
      const claims = await verifier.verifyRefreshToken(refreshToken);
      const next = await signer.signRefreshToken(claims.sub, claims.sid, claims.amr);
      const rotation = await store.rotateRefreshToken(
        refreshTokenHash(claims.jti),
        { tokenHash: next.tokenHash, expiresAt: next.expiresAt },
        now(),
      );
      switch (rotation.outcome) {
        case 'rotated': {
          const user = await store.findUserById(rotation.userId);
          if (!user) {
            await store.revokeRefreshFamily(rotation.familyId, now());
            throw tokenInvalid('The account no longer exists.');
          }
          return pairFor(user, rotation.familyId, claims.amr, next.token);
        }
        case 'reused':
          throw tokenInvalid('The refresh token was already used; the session is revoked.');
        case 'expired':
          throw new AuthError('TOKEN_EXPIRED', 'The refresh token has expired.');
        default:
          throw tokenInvalid('The refresh token is revoked or unknown.');
      }
    },

    async end(refreshToken) {
      // Logging out with an expired (but genuine) token still ends the session it belonged to: a
      // later token of that family, one a thief rotated, must die with it.
      const claims = await verifier.verifyRefreshToken(refreshToken, { expired: 'accept' });
      const state = await store.findRefreshToken(refreshTokenHash(claims.jti));
      if (state) await store.revokeRefreshFamily(state.familyId, now());
    },
  };
}
