import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { newId } from '../ids/new-id.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { type AccessGrant, FIRST_PARTY_CLIENT_ID, TOKEN_TYP } from './token-types.ts';

export interface TokenSignerOptions {
  keyRing: KeyRing;
  issuer: string;
  audience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  now?: () => number;
}

export interface SignedRefreshToken {
  token: string;
  /** What storage keeps instead of the token: SHA-256 of its jti. */
  tokenHash: string;
  expiresAt: number;
}

export interface TokenSigner {
  signAccessToken(grant: AccessGrant): Promise<string>;
  signRefreshToken(userId: string, familyId: string, amr?: string[]): Promise<SignedRefreshToken>;
  readonly accessTokenTtl: number;
}

/** SHA-256 of a refresh token's jti, base64url: the key it is stored under. */
export const refreshTokenHash = (jti: string): string => createHash('sha256').update(jti).digest('base64url');

export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));

  async function sign(claims: Record<string, unknown>, typ: string, ttl: number) {
    const { kid, privateKey } = options.keyRing.signingKey();
    const iat = now();
    // Header order alg, kid, typ: tokens begin `eyJhbGciOiJSUzI1NiIs` as the docs show.
    return new SignJWT({ ...claims, iss: options.issuer, iat, exp: iat + ttl })
      .setProtectedHeader({ alg: 'RS256', kid, typ })
      .sign(privateKey);
  }

  return {
    accessTokenTtl: options.accessTokenTtl,
    signAccessToken(grant) {
      const claims: Record<string, unknown> = {
        sub: grant.userId,
        aud: options.audience,
        jti: newId('jti'),
        organization_id: grant.organizationId,
        roles: grant.roles,
        permissions: grant.permissions,
        client_id: grant.clientId ?? FIRST_PARTY_CLIENT_ID,
      };
      if (grant.familyId) claims.sid = grant.familyId;
      if (grant.amr) claims.amr = grant.amr;
      return sign(claims, TOKEN_TYP.access, options.accessTokenTtl);
    },
    async signRefreshToken(userId, familyId, amr) {
      const jti = newId('jti');
      const token = await sign(
        { sub: userId, aud: options.issuer, jti, sid: familyId, ...(amr ? { amr } : {}) },
        TOKEN_TYP.refresh,
        options.refreshTokenTtl,
      );
      return { token, tokenHash: refreshTokenHash(jti), expiresAt: now() + options.refreshTokenTtl };
    },
  };
}
