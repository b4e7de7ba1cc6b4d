import { describe, expect, it } from 'vitest';
import { createLimiter, createPasswordHasher } from './password-hasher.ts';

describe('password hasher', () => {
  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const hasher = await createPasswordHasher();
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hasher.verify(hash, 'correct horse')).toEqual({ ok: true });
    expect(await hasher.verify(hash, 'wrong horse')).toEqual({ ok: false });
    expect(await hasher.verify(undefined, 'correct horse')).toEqual({ ok: false });
  });

  it('rehashes a weaker stored hash on success', async () => {
    const argon2 = (await import('argon2')).default;
    const weak = await argon2.hash('pw-123456', {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 1,
      parallelism: 1,
    });
    const check = await (await createPasswordHasher()).verify(weak, 'pw-123456');
    expect(check.ok).toBe(true);
    expect(check.rehash).toMatch(/m=19456,p=1,t=2/);
  });
});

describe('concurrency limiter', () => {
  const ticks = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  it('never runs more than the limit at once, and runs the rest in order', async () => {
    const limit = createLimiter(2);
    const started: number[] = [];
    const releases = new Map<number, () => void>();
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      limit(async () => {
        started.push(n);
        await new Promise<void>((resolve) => releases.set(n, resolve));
      }),
    );
    await ticks();
    expect(started).toEqual([0, 1]);
    releases.get(1)?.();
    await ticks();
    expect(started).toEqual([0, 1, 2]);
    for (const n of [0, 2, 3, 4]) {
      releases.get(n)?.();
      await ticks();
    }
    await Promise.all(tasks);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});
