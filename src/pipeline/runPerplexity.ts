import type { NeuronEdit } from '../engine/index.ts';
import type { PerplexityResults, ResultsView } from '../protocol/results.ts';
import type { EngineSession } from './EngineSession.ts';
import { PipelineError } from './PipelineError.ts';
import { checkSameModel } from './checkSameModel.ts';
import { ProgressMeter } from './ProgressMeter.ts';
import { pplMatrices } from './resultsBuilder.ts';
import { readEvalTokens, readResults, writeResults } from './resultsFolder.ts';
import type { ModelOptions, PipelineProgress } from '../protocol/pipelineTypes.ts';

export const PPL_SEED = 1234;

/**
 * The paper's evidence: perplexity of every language's held-out text with no change,
 * with each language's neurons deactivated, and with as many random neurons (same count
 * in every layer) deactivated. Perplexity is exp of the mean negative log-likelihood over
 * all predicted tokens, every position evaluated, as the reference ppl.py does.
 */
export async function runPerplexity(
  session: EngineSession,
  resultsDir: string,
  options: ModelOptions & { signal?: AbortSignal; onProgress?: (p: PipelineProgress) => void },
): Promise<ResultsView> {
  const { signal, onProgress } = options;
  const view = readResults(resultsDir);
  const { summary, neurons } = view;
  const model = await session.getModel(options, signal, onProgress);
  checkSameModel(resultsDir, summary.model, model.facts);
  const ctx = await session.getContext(options, summary.sequenceLength, signal, onProgress);
  const langs = summary.languages;
  const evalSets = langs.map((l) => readEvalTokens(resultsDir, l).sequences);
  const evalTokens = evalSets.map((seqs) => seqs.reduce((a, s) => a + Math.max(0, s.length - 1), 0));
  // The corpus key records the split (describeCorpus): " eval=0 " means nothing was held out on purpose.
  if (/ eval=0 /.test(summary.corpus?.key ?? '')) {
    throw new PipelineError('empty-language', `${resultsDir} holds no held-out text for any language: its detection was run with an evaluation budget of 0 (--eval-budget 0). Detect again with an evaluation budget above 0 to measure perplexity.`);
  }
  langs.forEach((l, i) => {
    if (evalTokens[i] === 0) throw new PipelineError('empty-language', `No held-out text for ${l}: its corpus was too small to hold out any. Give it more text, or skip perplexity.`);
  });
  const total = evalTokens.reduce((a, b) => a + b, 0) * (1 + 2 * langs.length);
  const meter = new ProgressMeter('perplexity', total, onProgress);

  const perplexityOf = async (j: number, edits: NeuronEdit[], what: string): Promise<number> => {
    let nll = 0;
    for (const seq of evalSets[j]) {
      const lp = ctx.scoreTokens(seq, { hooks: edits.length ? { edits } : undefined, signal });
      for (const v of lp) nll -= v;
      meter.add(lp.length, `${what}, evaluating ${langs[j]}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return Math.exp(nll / evalTokens[j]);
  };

  const base: number[] = [];
  for (let j = 0; j < langs.length; j++) base.push(await perplexityOf(j, [], 'no change'));
  const broken = langs.filter((_, j) => !Number.isFinite(base[j]));
  if (broken.length > 0) {
    // Every later pass would be as broken; stop before them, with the folder as it was.
    throw new PipelineError(
      'non-finite',
      `${model.facts.fileName} gives non-finite log-probabilities on the held-out text of ${broken.join(', ')}, so perplexity cannot be measured. ` +
        'A model trained in F32 and stored as F16 can overflow F16 inside the forward pass: try its F32 or a Q8_0 file.',
    );
  }
  const deactivated: number[][] = [];
  const random: number[][] = [];
  for (let i = 0; i < langs.length; i++) {
    const own = neurons.neurons[i].map((idx, layer) => ({ layer, neurons: idx, mode: 'zero' as const })).filter((e) => e.neurons.length > 0);
    const rnd = randomLike(neurons.neurons[i], summary.model.nFf, PPL_SEED + i);
    const rowD: number[] = [];
    const rowR: number[] = [];
    for (let j = 0; j < langs.length; j++) {
      rowD.push(await perplexityOf(j, own, `${langs[i]} deactivated`));
      rowR.push(await perplexityOf(j, rnd, `random (${langs[i]}-sized) deactivated`));
    }
    deactivated.push(rowD);
    random.push(rowR);
  }
  const perplexity: PerplexityResults = { base, deactivated, random, evalTokens, seed: PPL_SEED };
  const next: ResultsView = { neurons, summary: { ...summary, perplexity, ...pplMatrices(perplexity) } };
  writeResults(resultsDir, next);
  return next;
}

/** As many random neurons in each layer as `sets` has there, seeded. */
export function randomLike(sets: number[][], nFf: number, seed: number): NeuronEdit[] {
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: NeuronEdit[] = [];
  sets.forEach((idx, layer) => {
    if (idx.length === 0) return;
    const chosen = new Set<number>();
    while (chosen.size < Math.min(idx.length, nFf)) chosen.add(Math.floor(next() * nFf));
    out.push({ layer, neurons: [...chosen].sort((a, b) => a - b), mode: 'zero' });
  });
  return out;
}
