// Run as a child process by bench/gemmaBench.ts, so that its peak RSS is detection's alone:
// detection of a real model on the UDHR at the default batch (512-token sequences), as
// `lape detect` runs it. The results folder it writes is the perplexity child's input.
import { rmSync } from 'node:fs';
import { createPipeline } from '../src/pipeline/index.ts';
import { peakRssMiB } from './peakRss.ts';

const [model, outDir, languages, budget, evalBudget] = process.argv.slice(2);
rmSync(outDir, { recursive: true, force: true });
const pipeline = createPipeline();
const t0 = performance.now();
await pipeline.detect({ model, languages: languages.split(','), outDir, budget: Number(budget), evalBudget: Number(evalBudget) });
const seconds = (performance.now() - t0) / 1000;
pipeline.dispose();
process.stdout.write(JSON.stringify({ peakRssMiB: peakRssMiB(), seconds }));
