import type { ActivationStats } from '../lape/languageStats.ts';
import type { IdentifyResult } from '../lape/identify.ts';
import { entropyHistogram } from '../lape/entropyHistogram.ts';
import { RESULTS_VERSION, type ModelIdentity, type NeuronSets, type PerplexityResults, type ResultsSummary, type SelectedNeuron } from '../protocol/results.ts';

export const TOOL_NAME = 'language-neurons 0.1.0';
const HISTOGRAM_BINS = 40;

export interface RunFacts {
  model: ModelIdentity;
  corpus: ResultsSummary['corpus'];
  tokens: ResultsSummary['tokens'];
  sequenceLength: number;
  /** Detection tokens asked for per language (absent in folders written before it was recorded). */
  tokenBudget?: number;
}

/** Languages whose corpus ran out before the detection budget: their statistics rest on fewer tokens. */
export function budgetWarnings(tokens: ResultsSummary['tokens'], budget: number | undefined): string[] {
  if (budget === undefined) return [];
  return Object.entries(tokens)
    .filter(([, t]) => t.detect < budget)
    .map(([lang, t]) => `${lang}: its corpus gave ${t.detect} detection tokens, fewer than the budget of ${budget}; give it more text (e.g. --corpus handbook) or lower --budget so every language is measured on the same amount.`);
}

/** The selected neurons with their probabilities and per-language mean activations. */
export function buildNeuronSets(stats: ActivationStats, result: IdentifyResult): NeuronSets {
  const nLang = result.languages.length;
  const { selected } = result;
  const out: SelectedNeuron[] = [];
  for (let i = 0; i < selected.count; i++) {
    const layer = selected.layer[i];
    const index = selected.index[i];
    const flat = layer * stats.nFf + index;
    const probs: number[] = [];
    const means: number[] = [];
    const langs: number[] = [];
    for (let l = 0; l < nLang; l++) {
      probs.push(selected.probs[i * nLang + l]);
      const ls = stats.languages[l];
      means.push(ls.tokens > 0 ? ls.sumAct[flat] / ls.tokens : 0);
      if (selected.assigned[i * nLang + l]) langs.push(l);
    }
    if (langs.length === 0) continue;
    out.push({ layer, index, lape: selected.entropy[i], probs, means, langs });
  }
  out.sort((a, b) => a.layer - b.layer || a.index - b.index);
  return { version: RESULTS_VERSION, languages: result.languages, neurons: result.neurons, selected: out };
}

export function buildSummary(stats: ActivationStats, result: IdentifyResult, facts: RunFacts, perplexity: PerplexityResults | null): ResultsSummary {
  const hist = entropyHistogram(stats, HISTOGRAM_BINS, result.params.filterRate);
  let selectionThreshold = 0;
  for (let i = 0; i < result.selected.count; i++) {
    const e = result.selected.entropy[i];
    if (Number.isFinite(e) && e > selectionThreshold) selectionThreshold = e;
  }
  return {
    version: RESULTS_VERSION,
    createdAt: new Date().toISOString(),
    tool: TOOL_NAME,
    model: facts.model,
    corpus: facts.corpus,
    languages: result.languages,
    tokens: facts.tokens,
    tokensPerLanguage: Object.fromEntries(result.languages.map((l) => [l, facts.tokens[l]?.detect ?? 0])),
    heldOutTokensPerLanguage: Object.fromEntries(result.languages.map((l) => [l, facts.tokens[l]?.evaluation ?? 0])),
    tokenBudget: facts.tokenBudget,
    neuronsPerLayer: Object.fromEntries(result.languages.map((l, i) => [l, result.perLayerCounts[i]])),
    warnings: budgetWarnings(facts.tokens, facts.tokenBudget),
    sequenceLength: facts.sequenceLength,
    params: { ...result.params },
    thresholds: { filter: result.filterThreshold, activationBar: result.activationBar },
    perLayerCounts: result.perLayerCounts,
    overlap: result.overlap,
    lapeHistogram: { edges: hist.edges, counts: hist.kept, selectionThreshold },
    ...pplMatrices(perplexity),
    perplexity,
  };
}

/** Relative changes (after - before) / before, [deactivated][evaluated]. */
export function pplMatrices(p: PerplexityResults | null): Pick<ResultsSummary, 'pplChange' | 'randomPplChange'> {
  if (!p) return { pplChange: null, randomPplChange: null };
  const rel = (m: number[][]) => m.map((row) => row.map((v, j) => (v - p.base[j]) / p.base[j]));
  return { pplChange: rel(p.deactivated), randomPplChange: rel(p.random) };
}
