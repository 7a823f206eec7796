// Run as a child process by bench/run.ts, so that its peak RSS is identification's alone:
// read a statistics file the size of LLaMA-2-70B's and identify, as `lape identify` does.
import { readStatsFile } from '../src/lape/formats/statsFile.ts';
import { identify } from '../src/lape/identify.ts';

const t0 = performance.now();
const { stats } = readStatsFile(process.argv[2]);
const t1 = performance.now();
const result = identify(stats);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ readSeconds: (t1 - t0) / 1000, identifySeconds: (t2 - t1) / 1000, totalSeconds: (t2 - t0) / 1000, selected: result.distinctCount, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
