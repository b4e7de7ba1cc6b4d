import { describe, expect, it } from 'vitest';
import type { AccessTokenClaims } from './token-types.ts';
import type { TokenVerifier } from './token-verifier.ts';
import { withVerifiedTokenCache } from './verified-token-cache.ts';

const claims = (exp: number): AccessTokenClaims => ({
  sub: 'usr_1',
  iss: 'http://issuer',
  aud: 'semaswift-api',
  exp,
  iat: exp - 3600,
  jti: 'jti_1',
  organization_id: 'org_1',
  roles: ['agent'],
  permissions: ['user:read'],
});

function countingVerifier(exp: number) {
  const calls: string[] = [];
  const verifier: TokenVerifier = {
    verifyAccessToken: async (token) => {
      calls.push(token);
      if (token.startsWith('bad')) throw new Error('invalid');
      return claims(exp);
    },
    verifyRefreshToken: async () => {
      throw new Error('unused');
    },
  };
  return { verifier, calls };
}

describe('verified-token cache', () => {
  it('verifies a token once while it is valid', async () => {
    const { verifier, calls } = countingVerifier(2000);
    const cached = withVerifiedTokenCache(verifier, { now: () => 1000 });
    await cached.verifyAccessToken('t1');
    await cached.verifyAccessToken('t1');
    expect(calls).toEqual(['t1']);
  });

  it('never caches a failure', async () => {
    const { verifier, calls } = countingVerifier(2000);
    const cached = withVerifiedTokenCache(verifier, { now: () => 1000 });
    await expect(cached.verifyAccessToken('bad')).rejects.toThrow();
    await expect(cached.verifyAccessToken('bad')).rejects.toThrow();
    expect(calls).toEqual(['bad', 'bad']);
  });

  it('refuses a cached token once it has expired', async () => {
    let now = 1000;
    const { verifier } = countingVerifier(1500);
    const cached = withVerifiedTokenCache(verifier, { now: () => now });
    await cached.verifyAccessToken('t1');
    now = 1504;
    await expect(cached.verifyAccessToken('t1')).resolves.toMatchObject({ exp: 1500 });
    now = 1505;
    await expect(cached.verifyAccessToken('t1')).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('evicts the least recently used entry when full', async () => {
    const { verifier, calls } = countingVerifier(2000);
    const cached = withVerifiedTokenCache(verifier, { now: () => 1000, maxEntries: 2 });
    for (const token of ['a', 'b', 'a', 'c', 'a', 'b']) await cached.verifyAccessToken(token);
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });
});
