// `npm run build`: compiles src/ to dist/ and copies the generated protobuf code beside it (it is
// JavaScript with declarations already, so tsc does not emit it), leaving a dist/ that
// bin/semaswift-auth.js can run in place of the sources.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [`${root}/node_modules/typescript/bin/tsc`, '-p', `${root}/tsconfig.build.json`],
  {
    stdio: 'inherit',
  },
);
cpSync(`${root}/src/gen`, `${root}/dist/gen`, { recursive: true });
