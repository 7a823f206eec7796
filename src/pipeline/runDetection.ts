import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ActivationRecorder, ResidualRecorder, type EngineContext, type EngineModel } from '../engine/index.ts';
import { buildSequences, checkCorpora, createCorpusSpec, describeCorpus, openCorpus, type CorpusEntry } from '../corpus/index.ts';
import { readStatsFile, writeStatsFile, type StatsFile, type StatsFileMeta } from '../lape/formats/statsFile.ts';
import { shardCoverage } from '../lape/formats/sequenceCoverage.ts';
import type { ActivationStats } from '../lape/languageStats.ts';
import type { ResultsView } from '../protocol/results.ts';
import type { EngineSession } from './EngineSession.ts';
import { PipelineError } from './PipelineError.ts';
import { RESULT_FILES, ensureDir, readEvalTokens, writeDetectTokens, writeEvalTokens } from './resultsFolder.ts';
import { identifyAndWrite } from './identifyAndWrite.ts';
import { modelTokenization } from './modelTokenization.ts';
import { fetchHandbook } from './corpora/fetchHandbook.ts';
import { mergeResidualPartials, residualMeansOf, residualPartialPath, writeResidualMeans } from './residualMeans.ts';
import { ProgressMeter } from './ProgressMeter.ts';
import type { DetectOptions } from '../protocol/pipelineTypes.ts';

export const DEFAULT_BUDGET = 20_000;
export const DEFAULT_EVAL_BUDGET = 4_000;
export const DEFAULT_SEQUENCE_LENGTH = 512;

/**
 * Detection: per language, run the model over its detection text with the observe hooks,
 * save that language's statistics at once (so a cancelled or crashed run resumes where it
 * stopped), then identify and write the results folder.
 */
export async function runDetection(session: EngineSession, o: DetectOptions): Promise<ResultsView> {
  const { signal, onProgress } = o;
  if (o.languages.length < 2) throw new PipelineError('bad-argument', 'LAPE compares languages: give at least two.');
  const model = await session.getModel(o, signal, onProgress);
  const seqLen = Math.min(o.sequenceLength ?? DEFAULT_SEQUENCE_LENGTH, model.facts.contextLength || Infinity);
  const ctx = await session.getContext(o, seqLen, signal, onProgress);
  const budget = o.budget ?? DEFAULT_BUDGET;
  const evalBudget = o.evalBudget ?? DEFAULT_EVAL_BUDGET;
  const split = { seqLen, detectBudget: budget, evalBudget };
  const corpusKind = o.corpus?.kind ?? 'udhr';
  const spec = await createCorpusSpec({
    languages: o.languages,
    folder: corpusKind === 'folder' ? o.corpus?.folder : undefined,
    pairs: corpusKind === 'pairs' ? o.corpus?.pairs : undefined,
    handbook: corpusKind === 'handbook' ? await fetchHandbook({ signal, onProgress }) : undefined,
  });
  // Binary files are refused and corpora in another language than declared are warned about.
  await checkCorpora(spec.entries, { signal, onWarning: (message, language) => onProgress?.({ phase: 'tokenize', message, language, warning: true }) });
  const corpus = describeCorpus(spec, split);
  const shard = o.shard ?? { index: 0, count: 1 };
  if (!(shard.count >= 1 && shard.index >= 0 && shard.index < shard.count)) {
    throw new PipelineError('bad-argument', `Shard ${shard.index}/${shard.count} is not valid: use i/n with 0 <= i < n.`);
  }
  const meta: StatsFileMeta = {
    model: { fileName: model.facts.fileName, sizeBytes: model.facts.sizeBytes, headerSha256: model.facts.headerSha256, contentSha256: model.facts.contentSha256 },
    corpus: { name: corpus.label, sha256: corpus.hash },
    tokenBudget: budget,
    sequenceLength: seqLen,
    shards: 1,
    coverage: shardCoverage(shard.index, shard.count),
  };
  const residual = o.residualMeans === true;
  if (residual && shard.count > 1) throw new PipelineError('bad-argument', 'Residual means are not recorded in sharded runs: drop --residual-means or --shard.');
  ensureDir(join(o.outDir, RESULT_FILES.partialDir));
  const meter = new ProgressMeter('detect', budget * spec.entries.length, onProgress);
  const perLanguage: StatsFile[] = [];
  const tokens: Record<string, { detect: number; evaluation: number }> = {};
  for (const entry of spec.entries) {
    const missingResidual = residual && !existsSync(residualPartialPath(o.outDir, RESULT_FILES.partialDir, entry.language.code));
    const done = missingResidual ? undefined : resumeLanguage(o.outDir, entry, meta, shard);
    if (done) {
      perLanguage.push(done.file);
      tokens[entry.language.code] = done.tokens;
      meter.skip(budget, `${entry.language.code}: already done, resumed`);
      continue;
    }
    const result = await detectLanguage(model, ctx, entry, { ...split, shard, outDir: o.outDir, meta, meter, signal, residual });
    perLanguage.push(result.file);
    tokens[entry.language.code] = result.tokens;
  }
  const stats: ActivationStats = { nLayer: model.nLayer, nFf: model.nFf, languages: perLanguage.map((f) => f.stats.languages[0]) };
  writeStatsFile(join(o.outDir, RESULT_FILES.stats), { meta, stats });
  if (residual) mergeResidualPartials(o.outDir, RESULT_FILES.partialDir, spec.entries.map((e) => e.language.code));
  onProgress?.({ phase: 'identify', message: 'Identifying language-specific neurons' });
  return identifyAndWrite(o.outDir, stats, {
    model: { name: o.model, ...meta.model, architecture: model.facts.architecture, nLayer: model.nLayer, nFf: model.nFf },
    corpus,
    tokens,
    sequenceLength: seqLen,
    tokenBudget: budget,
  }, o.params, null);
}

type Shard = { index: number; count: number };

function partialPath(outDir: string, lang: string, shard: Shard): string {
  const suffix = shard.count > 1 ? `.shard-${shard.index}-of-${shard.count}` : '';
  return join(outDir, RESULT_FILES.partialDir, `${lang}${suffix}.lapestats`);
}

function resumeLanguage(outDir: string, entry: CorpusEntry, meta: StatsFileMeta, shard: Shard): { file: StatsFile; tokens: { detect: number; evaluation: number } } | undefined {
  const path = partialPath(outDir, entry.language.code, shard);
  if (!existsSync(path) || !existsSync(join(outDir, RESULT_FILES.evalDir, `${entry.language.code}.json`))) return undefined;
  if (!existsSync(join(outDir, RESULT_FILES.detectTokensDir, `${entry.language.code}.json`))) return undefined;
  try {
    const file = readStatsFile(path, { expectedModel: meta.model });
    const m = file.meta;
    if (m.corpus.sha256 !== meta.corpus.sha256 || m.tokenBudget !== meta.tokenBudget || m.sequenceLength !== meta.sequenceLength) return undefined;
    const evaluation = readEvalTokens(outDir, entry.language.code).sequences.reduce((a, q) => a + q.length, 0);
    return { file, tokens: { detect: file.stats.languages[0].tokens, evaluation } };
  } catch {
    return undefined; // a damaged partial file is simply recomputed
  }
}

interface LanguageRun {
  seqLen: number;
  detectBudget: number;
  evalBudget: number;
  shard: Shard;
  outDir: string;
  meta: StatsFileMeta;
  meter: ProgressMeter;
  signal?: AbortSignal;
  /** Also record the mean residual stream after each block (DiffMean). */
  residual: boolean;
}

async function detectLanguage(model: EngineModel, ctx: EngineContext, entry: CorpusEntry, run: LanguageRun) {
  const lang = entry.language.code;
  const { signal, meter } = run;
  meter.note(`${lang}: reading and tokenizing ${entry.language.name}`, lang);
  const seqs = await buildSequences(openCorpus(entry, { signal }), {
    ...modelTokenization(model),
    seqLen: run.seqLen,
    detectBudget: run.detectBudget,
    evalBudget: run.evalBudget,
    language: lang,
    signal,
  });
  if (seqs.detectTokens === 0) {
    throw new PipelineError('empty-language', `The corpus of ${lang} (${entry.language.name}) yields no tokens for detection. Give it a non-empty text file.`);
  }
  writeEvalTokens(run.outDir, { language: lang, sequences: seqs.evaluation.map((s) => Array.from(s)) });
  const mine = seqs.detect.filter((_, i) => i % run.shard.count === run.shard.index);
  writeDetectTokens(run.outDir, { language: lang, sequences: mine.map((s) => Array.from(s)) });
  const rec = new ActivationRecorder(model.nLayer, model.nFf);
  const residual = run.residual ? new ResidualRecorder(model.nLayer, model.facts.nEmbd) : undefined;
  for (const seq of mine) {
    ctx.evaluate(seq, { outputs: 'all', logits: false, hooks: { recorder: rec, residualRecorder: residual }, signal });
    checkFinite(rec.sumAct, model.nFf, `${model.facts.fileName}`, lang);
    meter.add(seq.length, lang);
    // Let cancellation and progress messages through between sequences.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  meter.add(Math.max(0, run.detectBudget - seqs.detectTokens), lang, true);
  const file: StatsFile = {
    meta: run.meta,
    stats: { nLayer: model.nLayer, nFf: model.nFf, languages: [{ lang, tokens: rec.tokens, overZero: rec.overZero, sumAct: rec.sumAct }] },
  };
  if (residual) writeResidualMeans(residualPartialPath(run.outDir, RESULT_FILES.partialDir, lang), residualMeansOf(residual, lang, model.facts));
  writeStatsFile(partialPath(run.outDir, lang, run.shard), file);
  return { file, tokens: { detect: rec.tokens, evaluation: seqs.evalTokens } };
}

/**
 * A NaN or infinite activation sum means the model computed garbage (damaged tensor data, an
 * F16 overflow): its neurons would be picked from noise. The sums already exist, so checking
 * them after each sequence costs one pass over n_layer x n_ff values.
 */
function checkFinite(sumAct: Float64Array, nFf: number, model: string, lang: string): void {
  for (let i = 0; i < sumAct.length; i++) {
    if (!Number.isFinite(sumAct[i])) {
      const layer = Math.floor(i / nFf);
      throw new PipelineError(
        'non-finite',
        `${model} gives non-finite FFN activations in layer ${layer} (neuron ${i % nFf}) on the ${lang} text, so its neurons cannot be measured. ` +
          'The file may be damaged (check it against its published SHA-256, or fetch it again), or overflow F16: try its F32 or a Q8_0 file.',
      );
    }
  }
}
