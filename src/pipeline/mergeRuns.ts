import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStatsFile } from '../lape/formats/statsFile.ts';
import type { ResultsSummary } from '../protocol/results.ts';
import { PipelineError } from './PipelineError.ts';
import { RESULT_FILES, writeJsonAtomic } from './resultsFolder.ts';

/**
 * After `lape merge` has summed the shards' statistics into `out`, gives `out` the run
 * facts of a results folder: the first shard's summary with the summed token counts, and
 * its held-out text (the split does not depend on the shard, so every shard has the same).
 */
export function copyRunFiles(shardDirs: string[], out: string): void {
  const first = shardDirs[0];
  const summaryPath = join(first, RESULT_FILES.summary);
  if (!existsSync(summaryPath)) throw new PipelineError('no-results', `${first} has no summary.json: is it the --out folder of a \`lape detect --shard\` run?`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as ResultsSummary;
  const { stats } = readStatsFile(join(out, RESULT_FILES.stats));
  const tokens = Object.fromEntries(stats.languages.map((l) => [l.lang, { detect: l.tokens, evaluation: summary.tokens[l.lang]?.evaluation ?? 0 }]));
  writeJsonAtomic(join(out, RESULT_FILES.summary), { ...summary, tokens, perplexity: null, pplChange: null, randomPplChange: null });
  const evalDir = join(first, RESULT_FILES.evalDir);
  if (existsSync(evalDir)) cpSync(evalDir, join(out, RESULT_FILES.evalDir), { recursive: true });
}
