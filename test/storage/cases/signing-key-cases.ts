import { expect, it } from 'vitest';
import type { Store } from '../../../src/storage/store.ts';
import { aSigningKey } from './fixtures.ts';

/** Contract cases for signing keys; `store()` is a fresh store per test. */
export function signingKeyCases(store: () => Store): void {
  it('lists no keys on a fresh store', async () => {
    expect(await store().listSigningKeys()).toEqual([]);
  });

  it('rotateSigningKey stores the first key as active, with every field intact', async () => {
    const key = aSigningKey(100, { publicJwk: { kty: 'RSA', n: 'modulus', e: 'AQAB' } });
    await store().rotateSigningKey(key);
    expect(await store().listSigningKeys()).toEqual([key]);
  });

  it('rotateSigningKey retires the active key at the new key’s creation; active first, then newest', async () => {
    const k1 = aSigningKey(100);
    const k2 = aSigningKey(200);
    const k3 = aSigningKey(300);
    for (const key of [k1, k2, k3]) await store().rotateSigningKey(key);

    expect(await store().listSigningKeys()).toEqual([
      k3,
      { ...k2, retiredAt: 300 },
      { ...k1, retiredAt: 200 },
    ]);
  });

  it('rotateSigningKey makes the new key active even when it is older than a retired one', async () => {
    const newer = aSigningKey(500);
    const older = aSigningKey(400);
    await store().rotateSigningKey(newer);
    await store().rotateSigningKey(older);

    const keys = await store().listSigningKeys();
    expect(keys.map((k) => [k.kid, k.retiredAt])).toEqual([
      [older.kid, null],
      [newer.kid, 400],
    ]);
  });

  it('deleteSigningKeysRetiredBefore forgets only keys retired before the cutoff', async () => {
    const k1 = aSigningKey(100);
    const k2 = aSigningKey(200);
    const k3 = aSigningKey(300);
    for (const key of [k1, k2, k3]) await store().rotateSigningKey(key);

    await store().deleteSigningKeysRetiredBefore(300); // k1 retired at 200; k2 at exactly 300 stays
    expect((await store().listSigningKeys()).map((k) => k.kid)).toEqual([k3.kid, k2.kid]);
  });

  it('deleteSigningKeysRetiredBefore never deletes the active key', async () => {
    const k1 = aSigningKey(100);
    const k2 = aSigningKey(200);
    await store().rotateSigningKey(k1);
    await store().rotateSigningKey(k2);

    await store().deleteSigningKeysRetiredBefore(Number.MAX_SAFE_INTEGER);
    expect(await store().listSigningKeys()).toEqual([k2]);
  });
}
