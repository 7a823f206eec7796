import { resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { num, parse, positiveInt, UsageError } from '../cliArgs.ts';
import { endProgress, printJson, progressPrinter } from '../output.ts';
import { formatResults } from '../printResults.ts';

export const pplHelp = `lape ppl DIR [--model M] [--json]
  Perplexity of each language's held-out text with no change, with each language's neurons
  deactivated, and with as many random neurons deactivated. The model defaults to the one
  the folder was made with, when it is the demo model; otherwise give --model.`;

export async function pplCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parse('ppl', argv, { model: { type: 'string', short: 'm' }, threads: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } });
  if (positionals.length !== 1) throw new UsageError('Give one results folder: lape ppl DIR --model M.');
  const dir = resolve(positionals[0]);
  const current = await pipeline.openResults(dir);
  const model = (values.model as string | undefined) ?? (current.summary.model.fileName === 'lape-demo.gguf' ? 'demo' : undefined);
  if (!model) throw new UsageError(`--model is required: the folder was made with ${current.summary.model.fileName}.`);
  const view = await pipeline.perplexity(dir, { model, threads: num(values.threads, 'threads', positiveInt), signal, onProgress: progressPrinter(Boolean(values.quiet) || Boolean(values.json)) });
  endProgress();
  if (values.json) printJson({ outDir: dir, languages: view.summary.languages, pplChange: view.summary.pplChange, randomPplChange: view.summary.randomPplChange, perplexity: view.summary.perplexity });
  else console.log(formatResults(view, dir));
}
