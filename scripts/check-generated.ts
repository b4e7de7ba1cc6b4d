// Fails when the committed generated code (src/gen) differs from what `buf generate` makes of proto/.
import { execFileSync } from 'node:child_process';

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' });

run('npx', ['buf', 'generate']);
const changed = run('git', ['status', '--porcelain', '--', 'src/gen']).trim();
if (changed) {
  process.stderr.write(`src/gen is stale: run \`npm run generate\` and commit.\n${changed}\n`);
  process.exit(1);
}
run('npx', ['buf', 'lint', 'proto']);
process.stdout.write('generated code is fresh; protos lint clean\n');
