// The acceptance checks of the paper's findings on the built-in demo model (steering shifts
// the output language; deactivation hurts a language's own perplexity most). They are not
// part of `npm test` while the demo model is too small to show them: see README, "Demo model".
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const files = readdirSync('test/acceptance').filter((f) => f.endsWith('.acceptance.ts')).map((f) => join('test/acceptance', f));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
