import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Argon2 at OWASP's parameters and real servers per file: keep parallelism to the 2 cores CI has.
    maxWorkers: 2,
  },
});
