import { errors, type JWTPayload, jwtVerify } from 'jose';
import { AuthError, tokenExpired, tokenInvalid } from '../errors/auth-error.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { type AccessTokenClaims, type RefreshTokenClaims, TOKEN_TYP } from './token-types.ts';

/** Clock skew tolerated on `exp`/`iat`/`nbf`, seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenVerifier {
  /** Verifies an access token: RS256 only, our key, `typ` at+jwt, issuer, audience, expiry. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /**
   * Verifies a refresh token's signature and claims (not whether it is spent: storage knows).
   * `expired: 'accept'` skips the expiry check only, for ending the session it belongs to.
   */
  verifyRefreshToken(token: string, options?: { expired?: 'accept' }): Promise<RefreshTokenClaims>;
}

export interface TokenVerifierOptions {
  keyRing: KeyRing;
  issuer: string;
  audience: string;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { keyRing, issuer } = options;
  const getKey = async (header: { kid?: string }) => {
    const key = header.kid === undefined ? undefined : await keyRing.verificationKey(header.kid);
    if (!key) throw tokenInvalid('The token was not signed by a known key.');
    return key;
  };

  async function verify(
    token: string,
    typ: string,
    audience: string,
    acceptExpired = false,
  ): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: ['RS256'],
        typ,
        issuer,
        audience,
        clockTolerance: acceptExpired ? Number.MAX_SAFE_INTEGER : CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      return payload;
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof errors.JWTExpired) throw tokenExpired();
      throw tokenInvalid();
    }
  }

  return {
    async verifyAccessToken(token) {
      const payload = await verify(token, TOKEN_TYP.access, options.audience);
      if (
        typeof payload.organization_id !== 'string' ||
        !isStringArray(payload.roles) ||
        !isStringArray(payload.permissions)
      ) {
        throw tokenInvalid();
      }
      return payload as unknown as AccessTokenClaims;
    },
    async verifyRefreshToken(token, verifyOptions) {
      const payload = await verify(token, TOKEN_TYP.refresh, issuer, verifyOptions?.expired === 'accept');
      if (typeof payload.sid !== 'string') throw tokenInvalid();
      return payload as unknown as RefreshTokenClaims;
    },
  };
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');
