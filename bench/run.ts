// `npm run bench`: the figures of issues 2 and 8, measured as ratios within one run.
// Prints a table and writes bench/results.json. Never used as a test: no thresholds here.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlamaEngine } from '../src/engine/index.ts';
import { writeStatsFile } from '../src/lape/formats/statsFile.ts';
import { writeSyntheticModel } from '../src/gguf/syntheticModel.ts';
import { benchModel } from './benchModels.ts';
import { captureBench, type CaptureFigures } from './captureBench.ts';
import { editorBench, type EditorFigures } from './editorBench.ts';
import { gemmaBench, gemmaCaptureRow, GEMMA, type GemmaResult } from './gemmaBench.ts';
import { torchAvailable, torchPeer } from './torchPeer.ts';
import { syntheticStats } from './syntheticStats.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const with7b = args.has('--7b');
const with7bFull = args.has('--7b-full');
// --only=editor,capture,torch,identify,corpus,gemma runs some parts; results.json keeps the others' last figures.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (part: string) => !only || only.includes(part);
// --models=llama-2-7b-6l,... measures the capture overhead of these shapes only.
const modelKeys = process.argv.find((a) => a.startsWith('--models='))?.slice(9).split(',');
const log = (s: string) => process.stderr.write(`${s}\n`);
const child = (script: string, ...a: string[]) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script, ...a], { encoding: 'utf8' }));

const engine = await LlamaEngine.create();
const resultsPath = join('bench', 'results.json');
const previous = only && existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>) : {};
const results: Record<string, unknown> = {
  ...previous,
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, build: engine.gpu || 'cpu', devices: engine.devices.map((d) => d.description) },
};
const reps = quick ? 2 : 6;
const runs: { key: string; quant: 'Q8_0' | 'Q4_K_M'; batch: number }[] = [
  { key: 'qwen2.5-0.5b', quant: 'Q8_0', batch: 512 },
  { key: 'qwen2.5-0.5b', quant: 'Q4_K_M', batch: 512 },
  ...(with7b ? [{ key: 'llama-2-7b-6l', quant: 'Q4_K_M' as const, batch: 128 }] : []),
  ...(with7bFull ? [{ key: 'llama-2-7b', quant: 'Q4_K_M' as const, batch: 128 }] : []),
];
if (want('capture')) {
  const models: CaptureFigures[] = [];
  for (const { key, quant, batch } of runs.filter((r) => !modelKeys || modelKeys.includes(r.key))) {
    const file = await benchModel(key, quant, log);
    log(`capture overhead: ${key} ${quant}, ${batch}-token batches`);
    models.push(await captureBench(engine, `${key} ${quant}`, file, batch, reps, log));
  }
  // Shapes not measured this time keep their last figures.
  const kept = ((results.models as CaptureFigures[] | undefined) ?? []).filter((m) => !models.some((n) => n.model === m.model));
  results.models = [...kept, ...models];
}

if (want('torch')) {
  const torch = torchAvailable();
  if (torch) {
    log(`PyTorch ${torch}: the reference's forward hooks on the same F32 model`);
    results.torchPeer = await torchPeer(engine, cpus().length, log);
  } else {
    log('PyTorch comparison skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch).');
    results.torchPeer = { skipped: 'python3 with torch not found' };
  }
}
if (want('gemma')) {
  log(`real model: ${GEMMA} from the cache (detection, perplexity, ghost text)`);
  const g: GemmaResult = await gemmaBench(engine, quick, log);
  results.gemma = g;
  if ('skipped' in g) log(`${GEMMA} skipped: ${g.skipped}`);
  else {
    // The issue-15 keys, at the top level; the whole measurement stays under "gemma".
    Object.assign(results, {
      detectionSpeedup: g.detectionSpeedup,
      detectionPeakRssMiB: g.detection.peakRssMiB,
      pplPeakRssMiB: g.perplexity.peakRssMiB,
      ghostFirstTokenMs: { p50: g.ghost.firstTokenMs.p50, p90: g.ghost.firstTokenMs.p90 },
      pplRatio: g.pplRatio,
    });
    results.models = [...((results.models as CaptureFigures[] | undefined) ?? []).filter((m) => m.model !== GEMMA), gemmaCaptureRow(g)];
  }
}
engine.dispose();

mkdirSync(join('.cache', 'bench'), { recursive: true });
if (want('identify')) {
  log('identification on LLaMA-2-70B-sized statistics (80 x 28672 x 7)');
  const statsPath = join('.cache', 'bench', 'llama70b-sized.lapestats');
  if (!existsSync(statsPath)) writeStatsFile(statsPath, syntheticStats(80, 28672, ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']));
  results.identify = child('bench/identifyChild.ts', statsPath);
}

if (want('corpus')) {
  log('peak RSS of detection over two 50 MB corpus files');
  const tiny = join('.cache', 'bench', 'tiny-llama.gguf');
  if (!existsSync(tiny)) await writeSyntheticModel(tiny, { arch: 'llama', nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 5 });
  results.corpusMemory = child('bench/corpusChild.ts', tiny, join('.cache', 'bench', 'corpus50'));
}

if (want('editor')) {
  log("editor: inline completion latency and the extension side's event-loop lag during detection");
  results.editor = await editorBench(join('.cache', 'bench', 'editor-results'), log);
}

writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
const f = (x: number | undefined, d = 1) => (x === undefined ? '–' : x.toFixed(d));
console.log(`\nMachine: ${String((results.machine as { cpu: string }).cpu)}, ${cpus().length} cores, llama.cpp build: ${engine.gpu || 'cpu'}\n`);
console.log('| model | batch | plain tok/s | capture tok/s | captureRatio | JS-loop ratio | copy-only ratio | time in callback |');
console.log('|---|---|---|---|---|---|---|---|');
for (const m of (results.models as CaptureFigures[] | undefined) ?? []) console.log(`| ${m.model} | ${m.batch} | ${f(m.plainTokensPerSecond)} | ${f(m.captureTokensPerSecond)} | ${f(m.captureRatio, 3)} | ${f(m.jsCaptureRatio, 3)} | ${f(m.copyOnlyRatio, 3)} | ${m.callbackShare === undefined ? '–' : `${f(100 * m.callbackShare)}%`} |`);
const gm = results.gemma as GemmaResult | undefined;
if (gm && 'skipped' in gm) console.log(`\n${GEMMA}: skipped (${gm.skipped})`);
else if (gm) {
  console.log(`\n| ${GEMMA}, ${gm.batch}-token batches | figure |\n|---|---|`);
  console.log(`| detectionSpeedup (detection ÷ plain all-outputs forward) | ${f(gm.detectionSpeedup, 2)} (${f(gm.detectionTokensPerSecond)} vs ${f(gm.plainAllOutputsTokensPerSecond)} tok/s; ${gm.earlyStops.stopped}/${gm.earlyStops.of} passes stopped early) |`);
  console.log(`| captureRatio (detection ÷ early-stopped forward, nothing counted) | ${f(gm.captureRatio, 3)} (${f(gm.earlyStoppedTokensPerSecond)} tok/s uncounted) |`);
  console.log(`| pplRatio (perplexity scoring ÷ plain all-outputs forward) | ${f(gm.pplRatio, 3)} (${f(gm.perplexityTokensPerSecond)} tok/s) |`);
  console.log(`| detectionPeakRssMiB (${gm.detection.languages.length} x ${gm.detection.budget} tokens) | ${f(gm.detection.peakRssMiB, 0)} |`);
  console.log(`| pplPeakRssMiB (${gm.perplexity.languages.length} x ${gm.perplexity.heldOutTokensPerLanguage} held-out tokens) | ${f(gm.perplexity.peakRssMiB, 0)} |`);
  console.log(`| ghostFirstTokenMs (${gm.ghost.documentTokens}-token document, ${gm.ghost.promptTokens}-token prompt, ${gm.ghost.keystrokes} keystrokes) | p50 ${f(gm.ghost.firstTokenMs.p50, 0)}, p90 ${f(gm.ghost.firstTokenMs.p90, 0)} ms (whole ghost text p50 ${f(gm.ghost.completionMs.p50, 0)} ms; cache reuse ${gm.ghost.reuseCache ? 'on' : 'off'}) |`);
}
const tp = (results.torchPeer ?? { skipped: 'not run' }) as Record<string, number | string>;
console.log(tp.skipped ? `\nPyTorch peer: skipped (${tp.skipped})` : `\nPyTorch forward hooks (torch ${tp.torch}), same F32 model: ours ${f(tp.oursTokensPerSecond as number)} tok/s, torch ${f(tp.torchTokensPerSecond as number)} tok/s, ${f(tp.speedup as number, 2)}x; counts differ on ${tp.countMismatches} of ${tp.neurons} neurons (max ${tp.maxCountDifference})`);
const id = results.identify as Record<string, number> | undefined;
if (id) console.log(`Identify, 70B-sized statistics: read ${f(id.readSeconds, 2)} s + identify ${f(id.identifySeconds, 2)} s, peak RSS ${f(id.peakRssMiB, 0)} MiB`);
const cm = results.corpusMemory as Record<string, number> | undefined;
if (cm) console.log(`Detection over 2 x 50 MB corpus files: peak RSS ${f(cm.peakRssMiB, 0)} MiB`);
const ed = results.editor as EditorFigures | undefined;
if (ed) {
  console.log(`Inline completion on the demo model, after the ${ed.unsteered.debounceMs} ms debounce, median of ${ed.unsteered.requests}: first text ${f(ed.unsteered.firstTextMedianMs, 0)} ms, whole ghost text ${f(ed.unsteered.completionMedianMs, 0)} ms (p90 ${f(ed.unsteered.completionP90Ms, 0)} ms); forced to fr: ${f(ed.forcedFrench.firstTextMedianMs, 0)} / ${f(ed.forcedFrench.completionMedianMs, 0)} ms`);
  console.log(`Extension-side event-loop lag while detecting ${ed.detectionLag.tokens} tokens: max ${f(ed.detectionLag.maxLagMs)} ms, mean ${f(ed.detectionLag.meanLagMs, 2)} ms`);
}
console.log(`Peak RSS of this process (models loaded): ${f(process.resourceUsage().maxRSS / 1024, 0)} MiB\nWrote bench/results.json`);
