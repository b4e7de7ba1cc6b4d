import { describe, expect, it } from 'vitest';
import { BRUTE_FORCE_LIMITS, createBruteForceGuard } from './brute-force-guard.ts';

const keys = { account: 'victim@example.com', address: '203.0.113.9' };

describe('brute-force guard', () => {
  it('counts parallel attempts before they are checked: a burst cannot slip past the limit', async () => {
    const guard = createBruteForceGuard();
    const burst = await Promise.allSettled(Array.from({ length: 50 }, () => guard.reserve(keys)));
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(BRUTE_FORCE_LIMITS.account.points);
    expect(burst.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'RATE_LIMITED' } });
  });

  it('locks the account after the limit, even for a right password, with Retry-After', async () => {
    const guard = createBruteForceGuard();
    for (let i = 0; i < BRUTE_FORCE_LIMITS.account.points; i++) await guard.reserve(keys);
    await expect(guard.reserve(keys)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
  });

  it('gives attempts back on success, so honest use never locks anyone out', async () => {
    const guard = createBruteForceGuard();
    for (let i = 0; i < 3 * BRUTE_FORCE_LIMITS.address.points; i++) {
      await guard.reserve(keys);
      await guard.recordSuccess(keys);
    }
    await guard.reserve({ address: keys.address });
    await guard.release({ address: keys.address });
  });
});
