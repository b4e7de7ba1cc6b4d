#!/usr/bin/env node
// Runs the built CLI when `npm run build` has produced it, else the TypeScript sources directly
// (Node >= 22.18 strips types natively), so a checkout works without a build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href);
