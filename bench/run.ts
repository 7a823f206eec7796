// `npm run bench`: the figures of issues 2 and 8, measured as ratios within one run.
// Prints a table and writes bench/results.json. Never used as a test: no thresholds here.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlamaEngine } from '../src/engine/index.ts';
import { writeStatsFile } from '../src/lape/formats/statsFile.ts';
import { writeSyntheticModel } from '../src/gguf/syntheticModel.ts';
import { benchModel } from './benchModels.ts';
import { captureBench, type CaptureFigures } from './captureBench.ts';
import { torchAvailable, torchPeer } from './torchPeer.ts';
import { syntheticStats } from './syntheticStats.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const with7b = args.has('--7b');
const log = (s: string) => process.stderr.write(`${s}\n`);
const child = (script: string, ...a: string[]) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script, ...a], { encoding: 'utf8' }));

const engine = await LlamaEngine.create();
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, build: engine.gpu || 'cpu', devices: engine.devices.map((d) => d.description) },
};
const models: CaptureFigures[] = [];
const reps = quick ? 2 : 4;
const runs: { key: string; quant: 'Q8_0' | 'Q4_K_M'; batch: number }[] = [
  { key: 'qwen2.5-0.5b', quant: 'Q8_0', batch: 512 },
  { key: 'qwen2.5-0.5b', quant: 'Q4_K_M', batch: 512 },
  ...(with7b ? [{ key: 'llama-2-7b', quant: 'Q4_K_M' as const, batch: 128 }] : []),
];
for (const { key, quant, batch } of runs) {
  const file = await benchModel(key, quant, log);
  log(`capture overhead: ${key} ${quant}, ${batch}-token batches`);
  models.push(await captureBench(engine, `${key} ${quant}`, file, batch, reps, log));
}
results.models = models;

const torch = torchAvailable();
if (torch) {
  log(`PyTorch ${torch}: the reference's forward hooks on the same F32 model`);
  results.torchPeer = await torchPeer(engine, cpus().length, log);
} else {
  log('PyTorch comparison skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch).');
  results.torchPeer = { skipped: 'python3 with torch not found' };
}
engine.dispose();

log('identification on LLaMA-2-70B-sized statistics (80 x 28672 x 7)');
const statsPath = join('.cache', 'bench', 'llama70b-sized.lapestats');
mkdirSync(join('.cache', 'bench'), { recursive: true });
if (!existsSync(statsPath)) writeStatsFile(statsPath, syntheticStats(80, 28672, ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']));
results.identify = child('bench/identifyChild.ts', statsPath);

log('peak RSS of detection over two 50 MB corpus files');
const tiny = join('.cache', 'bench', 'tiny-llama.gguf');
if (!existsSync(tiny)) await writeSyntheticModel(tiny, { arch: 'llama', nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 5 });
results.corpusMemory = child('bench/corpusChild.ts', tiny, join('.cache', 'bench', 'corpus50'));

writeFileSync(join('bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
const f = (x: number, d = 1) => x.toFixed(d);
console.log(`\nMachine: ${String((results.machine as { cpu: string }).cpu)}, ${cpus().length} cores, llama.cpp build: ${engine.gpu || 'cpu'}\n`);
console.log('| model | batch | plain tok/s | capture tok/s | captureRatio | JS-loop ratio |');
console.log('|---|---|---|---|---|---|');
for (const m of models) console.log(`| ${m.model} | ${m.batch} | ${f(m.plainTokensPerSecond)} | ${f(m.captureTokensPerSecond)} | ${f(m.captureRatio, 3)} | ${f(m.jsCaptureRatio, 3)} |`);
const tp = results.torchPeer as Record<string, number | string>;
console.log(tp.skipped ? `\nPyTorch peer: skipped (${tp.skipped})` : `\nPyTorch forward hooks (torch ${tp.torch}), same F32 model: ours ${f(tp.oursTokensPerSecond as number)} tok/s, torch ${f(tp.torchTokensPerSecond as number)} tok/s, ${f(tp.speedup as number, 2)}x; counts differ on ${tp.countMismatches} of ${tp.neurons} neurons (max ${tp.maxCountDifference})`);
const id = results.identify as Record<string, number>;
console.log(`Identify, 70B-sized statistics: read ${f(id.readSeconds, 2)} s + identify ${f(id.identifySeconds, 2)} s, peak RSS ${f(id.peakRssMiB, 0)} MiB`);
const cm = results.corpusMemory as Record<string, number>;
console.log(`Detection over 2 x 50 MB corpus files: peak RSS ${f(cm.peakRssMiB, 0)} MiB`);
console.log(`Peak RSS of this process (models loaded): ${f(process.resourceUsage().maxRSS / 1024, 0)} MiB\nWrote bench/results.json`);
