// Run as a child process by bench/gemmaBench.ts, so that its peak RSS is the perplexity
// matrix's alone: `lape ppl` on the folder bench/gemmaDetectChild.ts wrote.
import { createPipeline } from '../src/pipeline/index.ts';
import { peakRssMiB } from './peakRss.ts';

const [model, resultsDir] = process.argv.slice(2);
const pipeline = createPipeline();
const t0 = performance.now();
await pipeline.perplexity(resultsDir, { model });
const seconds = (performance.now() - t0) / 1000;
pipeline.dispose();
process.stdout.write(JSON.stringify({ peakRssMiB: peakRssMiB(), seconds }));
