import { resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { PAPER_LANGUAGES } from '../../protocol/paperLanguages.ts';
import { integer, list, nonNegativeInt, num, parse, positiveInt, rate, shardArg, UsageError } from '../cliArgs.ts';
import { endProgress, printJson, progressPrinter } from '../output.ts';
import { formatResults } from '../printResults.ts';

export const detectHelp = `lape detect --model M --langs en,zh,fr [--corpus udhr|handbook|DIR|lang=path,...] [--budget N] [--eval-budget N]
            [--seq-len N] [--out DIR] [--shard i/n] [--ppl] [--residual-means] [--top-rate R] [--filter-rate R] [--activation-bar-ratio R] [--json]
  Runs the model over each language's text, counts how often every FFN neuron fires, and
  identifies language-specific neurons (LAPE). --model takes a .gguf path, a named model
  (gemma-3-270m, fetched once; see lape fetch) or builtin (the small model shipped with lape).
  --corpus handbook is the Debian handbook in parallel translations (fetched once with apt-get
  download; GPL-2+ or CC-BY-SA-3.0); udhr, the default, is small.
  A cancelled run resumes with its finished languages when started again with the same --out.
  --residual-means also records each language's mean residual stream (for generate --method diffmean).`;

export async function detectCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parse('detect', argv, {
    model: { type: 'string', short: 'm' }, langs: { type: 'string', short: 'l' }, corpus: { type: 'string' },
    budget: { type: 'string' }, 'eval-budget': { type: 'string' }, 'seq-len': { type: 'string' }, out: { type: 'string', short: 'o' },
    shard: { type: 'string' }, ppl: { type: 'boolean' }, 'residual-means': { type: 'boolean' }, 'top-rate': { type: 'string' }, 'filter-rate': { type: 'string' },
    'activation-bar-ratio': { type: 'string' }, 'gpu-layers': { type: 'string' }, threads: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
  }, false);
  if (!values.model) throw new UsageError('--model is required (a .gguf path, or "demo").');
  const corpusArg = (values.corpus as string | undefined) ?? 'udhr';
  const corpus = corpusArg === 'udhr' || corpusArg === 'handbook' ? { kind: corpusArg as 'udhr' | 'handbook' } : corpusArg.includes('=') ? { kind: 'pairs' as const, pairs: corpusArg.split(',') } : { kind: 'folder' as const, folder: corpusArg };
  // lang=path pairs name their languages; without --langs those are the run's languages.
  const fromPairs = corpus.kind === 'pairs' && corpus.pairs.every((p) => p.includes('=')) ? corpus.pairs.map((p) => p.slice(0, p.indexOf('=')).trim()) : undefined;
  const languages = list(values.langs) ?? fromPairs ?? [...PAPER_LANGUAGES];
  const outDir = resolve((values.out as string | undefined) ?? defaultOut(values.model as string));
  const view = await pipeline.detect({
    model: values.model as string,
    languages,
    corpus,
    budget: num(values.budget, 'budget', positiveInt),
    evalBudget: num(values['eval-budget'], 'eval-budget', nonNegativeInt),
    sequenceLength: num(values['seq-len'], 'seq-len', positiveInt),
    gpuLayers: num(values['gpu-layers'], 'gpu-layers', integer),
    threads: num(values.threads, 'threads', positiveInt),
    outDir,
    shard: shardArg(values.shard),
    perplexity: Boolean(values.ppl),
    residualMeans: Boolean(values['residual-means']),
    params: {
      topRate: num(values['top-rate'], 'top-rate', rate),
      filterRate: num(values['filter-rate'], 'filter-rate', rate),
      activationBarRatio: num(values['activation-bar-ratio'], 'activation-bar-ratio', rate),
    },
    signal,
    onProgress: progressPrinter(Boolean(values.quiet) || Boolean(values.json), !values.quiet),
  });
  endProgress();
  if (values.json) printJson({ outDir, ...view.summary, neurons: view.neurons.neurons });
  else console.log(formatResults(view, outDir));
}

export function defaultOut(model: string): string {
  const stem = model === 'demo' ? 'demo' : model.replace(/\\/g, '/').split('/').pop()!.replace(/\.gguf$/i, '');
  // The extension keeps results in .lape/<model> of the workspace; the CLI writes the same place.
  return `.lape/${stem}`;
}
