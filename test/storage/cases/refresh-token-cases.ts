import { expect, it } from 'vitest';
import type { Store } from '../../../src/storage/store.ts';
import { aTokenHash, givenRefreshFamily } from './fixtures.ts';

const NOW = 1_800_000_000;
const LATER = NOW + 3600;

/** A next token that would be valid for an hour after `NOW`. */
const nextToken = () => ({ tokenHash: aTokenHash(), expiresAt: LATER });

/** Contract cases for refresh-token families; `store()` is a fresh store per test. */
export function refreshTokenCases(store: () => Store): void {
  it('createRefreshFamily records the first token, unspent, in a live family', async () => {
    const family = await givenRefreshFamily(store(), LATER);
    expect(await store().findRefreshToken(family.tokenHash)).toEqual({
      familyId: family.familyId,
      userId: family.userId,
      expiresAt: LATER,
      spentAt: null,
      familyRevokedAt: null,
    });
  });

  it('findRefreshToken finds nothing for an unknown hash', async () => {
    expect(await store().findRefreshToken(aTokenHash())).toBeUndefined();
  });

  it('rotateRefreshToken spends the token and chains the next one in the same family', async () => {
    const family = await givenRefreshFamily(store());
    const { familyId, userId } = family;
    const b = nextToken();
    const c = nextToken();

    expect(await store().rotateRefreshToken(family.tokenHash, b, NOW)).toEqual({
      outcome: 'rotated',
      familyId,
      userId,
    });
    expect((await store().findRefreshToken(family.tokenHash))?.spentAt).toBe(NOW);
    expect(await store().findRefreshToken(b.tokenHash)).toEqual({
      familyId,
      userId,
      expiresAt: b.expiresAt,
      spentAt: null,
      familyRevokedAt: null,
    });

    expect(await store().rotateRefreshToken(b.tokenHash, c, NOW + 1)).toEqual({
      outcome: 'rotated',
      familyId,
      userId,
    });
  });

  it('reusing a spent token revokes the whole family', async () => {
    const family = await givenRefreshFamily(store());
    const { familyId, userId } = family;
    const b = nextToken();
    const c = nextToken();
    await store().rotateRefreshToken(family.tokenHash, b, NOW);
    await store().rotateRefreshToken(b.tokenHash, c, NOW + 1);

    const replay = await store().rotateRefreshToken(family.tokenHash, nextToken(), NOW + 2);
    expect(replay).toEqual({ outcome: 'reused', familyId, userId });
    expect((await store().findRefreshToken(c.tokenHash))?.familyRevokedAt).toBe(NOW + 2);

    expect(await store().rotateRefreshToken(b.tokenHash, nextToken(), NOW + 3)).toEqual({
      outcome: 'revoked',
    });
    expect(await store().rotateRefreshToken(c.tokenHash, nextToken(), NOW + 3)).toEqual({
      outcome: 'revoked',
    });
  });

  it('of two concurrent rotations of one token exactly one rotates, and the family ends revoked', async () => {
    const family = await givenRefreshFamily(store());
    const first = nextToken();
    const second = nextToken();

    const results = await Promise.all([
      store().rotateRefreshToken(family.tokenHash, first, NOW),
      store().rotateRefreshToken(family.tokenHash, second, NOW),
    ]);

    expect(results.map((r) => r.outcome).sort()).toEqual(['reused', 'rotated']);
    const winner = results[0]?.outcome === 'rotated' ? first : second;
    const loser = winner === first ? second : first;
    expect((await store().findRefreshToken(winner.tokenHash))?.familyRevokedAt).toBe(NOW);
    expect(await store().findRefreshToken(loser.tokenHash)).toBeUndefined();
    expect(await store().rotateRefreshToken(winner.tokenHash, nextToken(), NOW + 1)).toEqual({
      outcome: 'revoked',
    });
  });

  it('an expired token does not rotate and stays unspent', async () => {
    const family = await givenRefreshFamily(store(), NOW);
    const next = nextToken();

    expect(await store().rotateRefreshToken(family.tokenHash, next, NOW)).toEqual({ outcome: 'expired' });
    expect((await store().findRefreshToken(family.tokenHash))?.spentAt).toBeNull();
    expect(await store().findRefreshToken(next.tokenHash)).toBeUndefined();
  });

  it('a token rotates up to the second before it expires', async () => {
    const family = await givenRefreshFamily(store(), NOW + 1);
    const rotation = await store().rotateRefreshToken(family.tokenHash, nextToken(), NOW);
    expect(rotation.outcome).toBe('rotated');
  });

  it('an unknown token is reported and writes nothing', async () => {
    const next = nextToken();
    expect(await store().rotateRefreshToken(aTokenHash(), next, NOW)).toEqual({ outcome: 'unknown' });
    expect(await store().findRefreshToken(next.tokenHash)).toBeUndefined();
  });

  it('revokeRefreshFamily is idempotent and keeps the first revocation time', async () => {
    const family = await givenRefreshFamily(store());
    await store().revokeRefreshFamily(family.familyId, NOW);
    await store().revokeRefreshFamily(family.familyId, NOW + 100);
    await store().revokeRefreshFamily('fam_unknown', NOW);

    expect((await store().findRefreshToken(family.tokenHash))?.familyRevokedAt).toBe(NOW);
    expect(await store().rotateRefreshToken(family.tokenHash, nextToken(), NOW + 1)).toEqual({
      outcome: 'revoked',
    });
  });
}
