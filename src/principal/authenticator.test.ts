import { describe, expect, it } from 'vitest';
import type { TokenVerifier } from '../tokens/token-verifier.ts';
import { createAuthenticator, extractCredential } from './authenticator.ts';

const verifier: TokenVerifier = {
  verifyAccessToken: async (token) => ({
    sub: 'usr_1',
    iss: 'i',
    aud: 'a',
    exp: 2e9,
    iat: 1,
    jti: token,
    organization_id: 'org_1',
    roles: [],
    permissions: [],
  }),
  verifyRefreshToken: async () => {
    throw new Error('unused');
  },
};

describe('credential extraction', () => {
  it('reads Bearer (any case) and X-API-Key', () => {
    expect(extractCredential({ authorization: 'bearer abc' })).toBe('abc');
    expect(extractCredential({ apiKey: 'pat_live_x' })).toBe('pat_live_x');
    expect(extractCredential({ authorization: 'Bearer pat_live_same', apiKey: 'pat_live_same' })).toBe(
      'pat_live_same',
    );
  });

  it.each([
    [{}],
    [{ authorization: 'Basic dXNlcjpwYXNz' }],
    [{ authorization: 'Bearer' }],
    [{ authorization: 'Bearer a b' }],
    [{ authorization: 'Bearer one', apiKey: 'two' }],
    [{ apiKey: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' }],
  ])('refuses %j with TOKEN_INVALID', (source) => {
    expect(() => extractCredential(source)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
});

describe('credentials in the URL', () => {
  const authenticate = createAuthenticator({ tokenVerifier: verifier });
  it.each([
    '/api/v1/users/me?access_token=abc',
    '/api/v1/users/me?api_key=abc',
    '/api/v1/users/me?x=eyJhbGciOiJSUzI1NiJ9.e30.sig',
    '/api/v1/users/me?key=pat_live_abcdef',
  ])('refuses %s even with a valid header', async (pathAndQuery) => {
    await expect(authenticate({ authorization: 'Bearer ok', pathAndQuery })).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('accepts ordinary query parameters', async () => {
    const principal = await authenticate({
      authorization: 'Bearer ok',
      pathAndQuery: '/api/v1/users?page=2',
    });
    expect(principal.userId).toBe('usr_1');
  });
});
