import { identify } from '../lape/identify.ts';
import type { ActivationStats } from '../lape/languageStats.ts';
import type { IdentifyParams, PerplexityResults, ResultsView } from '../protocol/results.ts';
import { buildNeuronSets, buildSummary, type RunFacts } from './resultsBuilder.ts';
import { writeResults } from './resultsFolder.ts';

/** Identification on statistics, then summary.json and neurons.json (createPipeline adds the HTML report). */
export async function identifyAndWrite(outDir: string, stats: ActivationStats, facts: RunFacts, params: Partial<IdentifyParams> | undefined, perplexity: PerplexityResults | null): Promise<ResultsView> {
  const result = identify(stats, params ?? {});
  const view: ResultsView = { summary: buildSummary(stats, result, facts, perplexity), neurons: buildNeuronSets(stats, result) };
  writeResults(outDir, view);
  return view;
}
