import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
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

/** Creates a results folder, or says plainly that the path given for it is a file. */
export function ensureResultsDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new PipelineError('bad-argument', `${dir} is a file, not a folder. Give --out a folder for the results (it is created if missing).`);
    if (code === 'ENOTDIR') throw new PipelineError('bad-argument', `${dir} cannot be created: part of its path is a file, not a folder. Give --out a folder for the results.`);
    throw e;
  }
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

/** The real path of `p`, resolving symbolic links in the part of it that exists. */
function realish(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs === dirname(abs) ? abs : join(realish(dirname(abs)), basename(abs));
  }
}

/**
 * Refuses an export target that would overwrite the results folder's own files (its
 * statistics, summary, neurons, report, held-out text) or that is a folder.
 */
export function checkExportTarget(resultsDir: string, out: string | undefined): void {
  if (out === undefined) return;
  const target = realish(out);
  const inside = relative(realish(resultsDir), target);
  const own: string[] = [RESULT_FILES.summary, RESULT_FILES.neurons, RESULT_FILES.stats, RESULT_FILES.report];
  const top = inside.split(/[\\/]/)[0];
  if (inside === '' || (!inside.startsWith('..') && (own.includes(inside) || top === RESULT_FILES.partialDir || top === RESULT_FILES.evalDir || top === RESULT_FILES.detectTokensDir))) {
    throw new PipelineError('bad-argument', `${out} is part of the results folder ${resultsDir} (${inside || 'the folder itself'}); exporting there would overwrite it. Give --out another file name, such as ${join(resultsDir, 'neurons.export.json')}.`);
  }
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new PipelineError('bad-argument', `${out} is a folder; give --out a file name to write the export to.`);
  }
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
