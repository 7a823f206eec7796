import { identify } from '../lape/identify.ts';
import type { ActivationStats } from '../lape/languageStats.ts';
import type { IdentifyParams, PerplexityResults, ResultsView } from '../protocol/results.ts';
import { buildNeuronSets, buildSummary, type RunFacts } from './resultsBuilder.ts';
import { writeResults } from './resultsFolder.ts';
import { tryWriteReport } from './reportWriter.ts';

/** Identification on statistics, then summary.json, neurons.json and the HTML report. */
export async function identifyAndWrite(outDir: string, stats: ActivationStats, facts: RunFacts, params: Partial<IdentifyParams> | undefined, perplexity: PerplexityResults | null): Promise<ResultsView> {
  const result = identify(stats, params ?? {});
  const view: ResultsView = { summary: buildSummary(stats, result, facts, perplexity), neurons: buildNeuronSets(stats, result) };
  writeResults(outDir, view);
  await tryWriteReport(outDir, view);
  return view;
}
