import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { mergeStatsFilesOnDisk } from '../../lape/formats/mergeStatsFiles.ts';
import { parse, UsageError } from '../cliArgs.ts';
import { printJson } from '../output.ts';
import { formatResults } from '../printResults.ts';
import { copyRunFiles } from '../../pipeline/mergeRuns.ts';

export const mergeHelp = `lape merge SHARD_DIR... --out DIR [--json]
  Adds up the statistics of shard runs (lape detect --shard i/n) of one model and corpus,
  then identifies neurons on the sum. Refuses shards of another model or corpus.`;

export async function mergeCommand(pipeline: Pipeline, argv: string[]): Promise<void> {
  const { values, positionals } = parse('merge', argv, { out: { type: 'string', short: 'o' } });
  if (positionals.length < 2) throw new UsageError('Give at least two shard folders: lape merge A B --out DIR.');
  if (!values.out) throw new UsageError('--out DIR is required.');
  const out = resolve(values.out as string);
  mkdirSync(out, { recursive: true });
  const dirs = positionals.map((p) => resolve(p));
  mergeStatsFilesOnDisk(dirs.map((d) => join(d, 'stats.lapestats')), join(out, 'stats.lapestats'));
  copyRunFiles(dirs, out);
  const view = await pipeline.reidentify(out, {});
  if (values.json) printJson({ outDir: out, ...view.summary, neurons: view.neurons.neurons });
  else console.log(formatResults(view, out));
}
