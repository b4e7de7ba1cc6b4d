// Measures argon2id alone (no server), at the server's parameters: `node bench/argon2-rate.ts
// <seconds> <concurrency>` prints {"rate": hashes per second}.
import argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../src/auth/password-hasher.ts';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 1);
const hash = await argon2.hash('correct horse battery staple', ARGON2_OPTIONS);
const deadline = performance.now() + seconds * 1000;
let done = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      await argon2.verify(hash, 'correct horse battery staple');
      done++;
    }
  }),
);
process.stdout.write(`${JSON.stringify({ rate: done / ((performance.now() - started) / 1000) })}\n`);
