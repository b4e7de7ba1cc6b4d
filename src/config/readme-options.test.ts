import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from './config.ts';

describe('README configuration table', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  it.each(OPTIONS.map((o) => o.flag))('documents --%s', (flag) => {
    expect(readme).toMatch(new RegExp(`\\| \`--${flag}\`[ ,|]`));
  });
});
