import { describe, expect, it } from 'vitest';
import { BRUTE_FORCE_LIMITS, createBruteForceGuard } from './brute-force-guard.ts';

const keys = { account: 'victim@example.com', address: '203.0.113.9' };

describe('brute-force guard', () => {
  it('locks the account after the limit, even for a right password, with Retry-After', async () => {
    const guard = createBruteForceGuard();
    for (let i = 0; i < BRUTE_FORCE_LIMITS.account.points; i++) await guard.recordFailure(keys);
    await expect(guard.assertAllowed(keys)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
  });

  it('refuses a success that a burst of guesses reached only after the limit', async () => {
    const guard = createBruteForceGuard();
    // Every guess of the burst passed assertAllowed before any failure was counted.
    await guard.assertAllowed(keys);
    for (let i = 0; i < BRUTE_FORCE_LIMITS.account.points; i++) await guard.recordFailure(keys);
    await expect(guard.recordSuccess(keys)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('clears the account after a success, so honest use never locks anyone out', async () => {
    const guard = createBruteForceGuard();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < BRUTE_FORCE_LIMITS.account.points - 1; i++) await guard.recordFailure(keys);
      await guard.recordSuccess(keys);
    }
    await guard.assertAllowed(keys);
  });
});
