// The real-model part of `npm run bench` (issue 15): Gemma 3 270M from the cache, measured on
// the engine's own paths. Throughput ratios come from one context, alternating runs on the
// same batches; peak RSS from child processes (bench/gemma*Child.ts); ghost-text latency
// from the analysis process, as the extension asks it (bench/ghostBench.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ActivationRecorder, type LlamaEngine } from '../src/engine/index.ts';
import { fetchModel } from '../src/pipeline/models/fetchModel.ts';
import { batchSizeFor } from '../src/pipeline/EngineSession.ts';
import { lapeCacheDir } from '../src/pipeline/cacheDir.ts';
import { catalogueModel } from '../src/protocol/modelCatalogue.ts';
import { readUdhrText } from '../src/corpus/udhrCorpus.ts';
import { completionRequest } from '../src/protocol/completionRequest.ts';
import type { CaptureFigures } from './captureBench.ts';
import { ghostBench, type GhostFigures } from './ghostBench.ts';

export const GEMMA = 'gemma-3-270m';

export interface GemmaFigures {
  model: string;
  file: string;
  /** Tokens per llama_decode call (EngineSession's batchSizeFor). */
  batch: number;
  /** Rounds; each evaluates one 512-token sequence per kind of pass. */
  batches: number;
  /** tok/s of a plain forward with every position's output (the output head included), no callback. */
  plainAllOutputsTokensPerSecond: number;
  /** tok/s of detection: every layer counted by the WASM kernel, stopped after the last pre-activation. */
  detectionTokensPerSecond: number;
  /** tok/s of the same early-stopped pass with the tensors handed over but nothing counted ('none'). */
  earlyStoppedTokensPerSecond: number;
  /** tok/s of scoreTokens (every position's log-softmax at the next token, in place). */
  perplexityTokensPerSecond: number;
  /** Detection ÷ plain all-outputs forward (median of per-round ratios). */
  detectionSpeedup: number;
  /** Detection ÷ the early-stopped forward without counting (median of per-round ratios). */
  captureRatio: number;
  /** Perplexity scoring ÷ plain all-outputs forward (median of per-round ratios). */
  pplRatio: number;
  /** Share of a detection pass's wall time spent in the callback (median). */
  callbackShare: number;
  /** llama_decode calls that stopped early, of those that could (detection and 'none' runs). */
  earlyStops: { stopped: number; of: number };
  detection: { peakRssMiB: number; seconds: number; languages: string[]; budget: number; sequenceLength: number };
  perplexity: { peakRssMiB: number; seconds: number; languages: string[]; heldOutTokensPerLanguage: number };
  ghost: GhostFigures & { documentTokens: number; promptTokens: number };
}

export type GemmaResult = { skipped: string } | GemmaFigures;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The cached, verified file, or why there is none; never downloads (`lape fetch gemma-3-270m` does). */
export async function cachedGemma(): Promise<{ path: string } | { skipped: string }> {
  const target = join(lapeCacheDir(), 'models', catalogueModel(GEMMA)!.fileName);
  if (!existsSync(target)) return { skipped: `${GEMMA} is not in the cache (no ${target}); run \`lape fetch ${GEMMA}\` or set LAPE_CACHE_DIR` };
  try {
    return { path: (await fetchModel(GEMMA, { sources: [] })).path };
  } catch (error) {
    return { skipped: `the cached ${target} does not verify (${(error as Error).message.split('\n')[0]}); run \`lape fetch ${GEMMA}\`` };
  }
}

/** Real text: the English UDHR repeated until it fills `n` tokens. */
async function textTokens(tokenize: (t: string) => Int32Array, n: number): Promise<Int32Array> {
  const text = await readUdhrText('en');
  const one = tokenize(text);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = one[i % one.length];
  return out;
}

/** The first words of the English UDHR that tokenize to at least `n` tokens. */
async function documentOf(tokenize: (t: string) => Int32Array, n: number): Promise<string> {
  const words = (await readUdhrText('en')).split(/(?<=\s)/);
  let lo = 1;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokenize(words.slice(0, mid).join('')).length >= n) hi = mid;
    else lo = mid + 1;
  }
  return words.slice(0, lo).join('');
}

interface Throughput {
  figures: Omit<GemmaFigures, 'model' | 'file' | 'detection' | 'perplexity' | 'ghost'>;
  document: string;
  documentTokens: number;
  /** Tokens of the first keystroke's prompt, as completionRequest cuts the document. */
  promptTokens: number;
}

async function throughput(engine: LlamaEngine, file: string, reps: number, log: (s: string) => void): Promise<Throughput> {
  const model = await engine.loadModel(file);
  try {
    // One detection sequence (DEFAULT_SEQUENCE_LENGTH), in the batches EngineSession gives this model.
    const seq = 512;
    const batch = batchSizeFor(model.facts.nVocab, seq);
    const ctx = model.createContext({ contextSize: seq, batchSize: batch });
    const tokenize = (t: string) => model.tokenize(t, { addSpecial: false });
    const tokens = await textTokens(tokenize, seq);
    const document = await documentOf(tokenize, 500);
    const documentTokens = tokenize(document).length;
    const promptTokens = tokenize(completionRequest({ model: GEMMA, prefix: document, suffix: '' }).prompt).length;
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    const d = ctx.dispatcher;
    // plain: no callback work and the whole graph, as llama-perplexity pays (logits not copied out).
    const time = (f: () => void) => {
      const t0 = performance.now();
      f();
      return (performance.now() - t0) / 1000;
    };
    const plain = () => time(() => ctx.evaluate(tokens, { outputs: 'all', logits: false }));
    const observe = (kind: 'wasm' | 'none') => {
      d.kernelKind = kind;
      return time(() => ctx.evaluate(tokens, { outputs: 'all', logits: false, hooks: { recorder: rec } }));
    };
    const ppl = () => time(() => ctx.scoreTokens(tokens));
    log(`  ${GEMMA}: warm-up (each kind of pass once)`);
    plain();
    observe('wasm');
    observe('none');
    ppl();
    const stops0 = d.earlyStop.stops;
    const sums = { plain: 0, wasm: 0, none: 0, ppl: 0 };
    const speedups: number[] = [];
    const captures: number[] = [];
    const ppls: number[] = [];
    const shares: number[] = [];
    for (let r = 0; r < reps; r++) {
      // Plain runs on both sides, the early-stopped baseline beside detection, so drift hits all alike.
      const p1 = plain();
      const n1 = observe('none');
      d.handledMs = 0;
      const w = observe('wasm');
      shares.push(d.handledMs / 1000 / w);
      const n2 = observe('none');
      const s = ppl();
      const p2 = plain();
      const p = (p1 + p2) / 2;
      const n = (n1 + n2) / 2;
      speedups.push(p / w);
      captures.push(n / w);
      ppls.push(p / s);
      sums.plain += p;
      sums.wasm += w;
      sums.none += n;
      sums.ppl += s;
      log(`  ${GEMMA}: round ${r + 1}/${reps}: plain ${(seq / p).toFixed(1)} tok/s, detection ${(seq / w).toFixed(1)} (x${(p / w).toFixed(2)}), early-stopped uncounted ${(seq / n).toFixed(1)} (captureRatio ${(n / w).toFixed(3)}), perplexity ${(seq / s).toFixed(1)} (pplRatio ${(p / s).toFixed(3)})`);
    }
    d.kernelKind = 'wasm';
    const total = seq * reps;
    return {
      document,
      documentTokens,
      promptTokens,
      figures: {
        batch,
        batches: reps,
        plainAllOutputsTokensPerSecond: total / sums.plain,
        detectionTokensPerSecond: total / sums.wasm,
        earlyStoppedTokensPerSecond: total / sums.none,
        perplexityTokensPerSecond: total / sums.ppl,
        detectionSpeedup: median(speedups),
        captureRatio: median(captures),
        pplRatio: median(ppls),
        callbackShare: median(shares),
        earlyStops: { stopped: d.earlyStop.stops - stops0, of: 3 * reps * Math.ceil(seq / batch) },
      },
    };
  } finally {
    model.dispose();
  }
}

const child = (script: string, ...a: string[]) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { peakRssMiB: number; seconds: number };

export async function gemmaBench(engine: LlamaEngine, quick: boolean, log: (s: string) => void): Promise<GemmaResult> {
  const found = await cachedGemma();
  if ('skipped' in found) return found;
  const file = found.path;
  const tp = await throughput(engine, file, quick ? 1 : 5, log);

  // A small perplexity matrix: three languages (two with --quick) x 512 held-out tokens.
  const languages = quick ? ['en', 'fr'] : ['en', 'fr', 'es'];
  const budget = 1024;
  const heldOut = 512;
  const outDir = join('.cache', 'bench', 'gemma-results');
  log(`  ${GEMMA}: peak RSS of detection (${languages.join(', ')} x ${budget} tokens, 512-token sequences), child process`);
  const det = child('bench/gemmaDetectChild.ts', file, outDir, languages.join(','), String(budget), String(heldOut));
  log(`  ${GEMMA}: peak RSS of the perplexity matrix (${languages.length} x ${heldOut} held-out tokens), child process`);
  const ppl = child('bench/gemmaPplChild.ts', file, outDir);

  const keystrokes = quick ? 5 : 30;
  log(`  ${GEMMA}: ghost text in a 500-token document, ${keystrokes} keystrokes, through the analysis process`);
  const ghost = { ...(await ghostBench(GEMMA, tp.document, keystrokes, log)), documentTokens: tp.documentTokens, promptTokens: tp.promptTokens };
  return {
    model: GEMMA,
    file,
    ...tp.figures,
    detection: { ...det, languages, budget, sequenceLength: 512 },
    perplexity: { ...ppl, languages, heldOutTokensPerLanguage: heldOut },
    ghost,
  };
}

/** The models[] row of the capture table for the real model: its baseline is the early-stopped uncounted pass. */
export function gemmaCaptureRow(g: GemmaFigures): CaptureFigures {
  return {
    model: GEMMA,
    file: g.file,
    batch: g.batch,
    batches: g.batches,
    plainTokensPerSecond: g.earlyStoppedTokensPerSecond,
    captureTokensPerSecond: g.detectionTokensPerSecond,
    captureRatio: g.captureRatio,
    callbackShare: g.callbackShare,
  };
}
