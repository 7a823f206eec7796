import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NeuronSets, ResultsSummary, ResultsView } from '../protocol/results.ts';
import { RESULTS_VERSION } from '../protocol/results.ts';
import { PipelineError } from './PipelineError.ts';

/** File names inside a results folder; see protocol/results.ts. */
export const RESULT_FILES = {
  summary: 'summary.json',
  neurons: 'neurons.json',
  stats: 'stats.lapestats',
  report: 'report.html',
  partialDir: 'partial',
  evalDir: 'eval',
  /** The detection token ids each language's counts were taken over (for checks by another implementation). */
  detectTokensDir: 'tokens',
} as const;

/** Writes via a temporary file and a rename, so a crash never leaves half a JSON behind. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 1));
  renameSync(tmp, path);
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) {
    throw new PipelineError('no-results', `${path} is missing: this folder has no ${what}. Run \`lape detect\` (or "Detect language neurons") first.`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new PipelineError('bad-results', `${path} is not valid JSON (${(err as Error).message}). Re-run detection to rewrite it.`);
  }
}

export function readSummary(dir: string): ResultsSummary {
  return readJson<ResultsSummary>(join(dir, RESULT_FILES.summary), 'results summary');
}

export function readResults(dir: string): ResultsView {
  const summary = readSummary(dir);
  const neurons = readJson<NeuronSets>(join(dir, RESULT_FILES.neurons), 'neuron sets');
  if (summary.version !== RESULTS_VERSION || neurons.version !== RESULTS_VERSION) {
    throw new PipelineError('bad-results', `${dir} holds results of format version ${summary.version}; this build reads version ${RESULTS_VERSION}. Re-run detection.`);
  }
  if (!Array.isArray(summary.languages) || !Array.isArray(neurons.neurons) || neurons.neurons.length !== summary.languages.length) {
    throw new PipelineError('bad-results', `${dir}: summary.json and neurons.json do not describe the same languages. Re-run identification.`);
  }
  return { summary, neurons };
}

export function writeResults(dir: string, view: ResultsView): void {
  ensureDir(dir);
  writeJsonAtomic(join(dir, RESULT_FILES.neurons), view.neurons);
  writeJsonAtomic(join(dir, RESULT_FILES.summary), view.summary);
}

/** Held-out token sequences of one language, kept for perplexity. */
export interface EvalTokens {
  language: string;
  sequences: number[][];
}

export function writeEvalTokens(dir: string, data: EvalTokens): void {
  const sub = join(dir, RESULT_FILES.evalDir);
  ensureDir(sub);
  writeJsonAtomic(join(sub, `${data.language}.json`), data);
}

export function readEvalTokens(dir: string, language: string): EvalTokens {
  return readJson<EvalTokens>(join(dir, RESULT_FILES.evalDir, `${language}.json`), `held-out tokens for ${language}`);
}

/**
 * The detection sequences this run fed to the recorder, in order, BOS included: exactly the
 * tokens its counts are over, so another implementation (test/peer) can count on the same input.
 * A shard run writes only its own sequences.
 */
export function writeDetectTokens(dir: string, data: EvalTokens): void {
  const sub = join(dir, RESULT_FILES.detectTokensDir);
  ensureDir(sub);
  writeJsonAtomic(join(sub, `${data.language}.json`), data);
}

export function readDetectTokens(dir: string, language: string): EvalTokens {
  return readJson<EvalTokens>(join(dir, RESULT_FILES.detectTokensDir, `${language}.json`), `detection tokens for ${language}`);
}
