// Run as a child process by bench/run.ts: detection on a tiny model whose corpus is two
// 50 MB files, to show that reading streams (peak RSS does not grow with the file).
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline } from '../src/pipeline/index.ts';

const [model, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
const para = 'All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience.\n\n';
for (const lang of ['en', 'fr']) {
  const out = createWriteStream(join(dir, `${lang}.txt`));
  const chunk = para.repeat(1000);
  for (let written = 0; written < 50 * 2 ** 20; written += chunk.length) {
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}
const pipeline = createPipeline();
const t0 = performance.now();
await pipeline.detect({ model, languages: ['en', 'fr'], corpus: { kind: 'folder', folder: dir }, budget: 20_000, evalBudget: 2_000, sequenceLength: 256, outDir: join(dir, 'out') });
pipeline.dispose();
process.stdout.write(JSON.stringify({ corpusMiB: 100, seconds: (performance.now() - t0) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
