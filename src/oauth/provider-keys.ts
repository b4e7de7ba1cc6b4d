import type { KeyObject } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import type { KeyRing } from '../keys/key-ring.ts';

/** The key ring's keys as oidc-provider's `jwks` option, and what they were made from. */
export interface ProviderKeys {
  jwks: { keys: JWK[] };
  /** The kids, active first: a different value means the key ring rotated or reloaded new keys. */
  fingerprint: string;
}

/** Which keys the key ring holds now, cheaply: compared on every request to the provider. */
export const keyFingerprint = (keyRing: Pick<KeyRing, 'keys'>): string =>
  keyRing
    .keys()
    .map((key) => key.kid)
    .join(' ');

/**
 * Our signing keys for oidc-provider, which needs them as private JWKs. The active key signs (it is
 * the first RS256 key the provider finds); retired ones may only verify (`key_ops`), so that an
 * `id_token_hint` signed before a rotation is still recognised. The published JWKS stays ours
 * (`/.well-known/jwks.json`), so ID tokens and access tokens are checked against one key set.
 */
export function providerKeysOf(keyRing: Pick<KeyRing, 'keys'>): ProviderKeys {
  const keys = keyRing.keys();
  return {
    jwks: {
      keys: keys.map((key, index) => ({
        ...privateJwk(key.privateKey),
        kid: key.kid,
        alg: 'RS256',
        use: 'sig',
        ...(index === 0 ? {} : { key_ops: ['verify'] }),
      })),
    },
    fingerprint: keys.map((key) => key.kid).join(' '),
  };
}

function privateJwk(privateKey: KeyObject): JWK {
  const { kty, n, e, d, p, q, dp, dq, qi } = privateKey.export({ format: 'jwk' });
  return { kty, n, e, d, p, q, dp, dq, qi };
}
