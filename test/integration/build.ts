// Prepares the integration tests: bundles the suites to out/integration/ (CommonJS, as
// the extension host loads them) and writes the test workspace with a results folder.
// Run: node --import tsx test/integration/build.ts
import { build } from 'esbuild';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { smallResultsView } from '../fixtures/results/smallResultsView.ts';

const out = 'out/integration';
const suites = readdirSync('test/integration/suite').filter((f) => f.endsWith('.itest.ts')).map((f) => join('test/integration/suite', f));
await build({
  entryPoints: [...suites, 'test/integration/suite/index.ts'],
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: true,
  logLevel: 'warning',
});

const results = join(out, 'workspace', '.lape', 'tiny');
mkdirSync(results, { recursive: true });
const view = smallResultsView();
writeFileSync(join(results, 'summary.json'), JSON.stringify(view.summary, null, 1));
writeFileSync(join(results, 'neurons.json'), JSON.stringify(view.neurons, null, 1));
console.log(`built ${suites.length} suite(s) and the test workspace in ${out}/`);
