import type { ModelFacts } from '../../src/engine/index.ts';
import { RESULTS_VERSION, type ResultsView } from '../../src/protocol/results.ts';

/** A results folder's content with hand-picked neuron sets, for tests that need no detection. */
export function fakeResults(facts: ModelFacts, languages: string[], sets: number[][][], means = 0.5): ResultsView {
  const nFf = facts.nFf[0];
  const selected = new Map<string, { layer: number; index: number; langs: number[] }>();
  sets.forEach((layers, li) =>
    layers.forEach((idx, layer) =>
      idx.forEach((index) => {
        const key = `${layer}:${index}`;
        const s = selected.get(key) ?? { layer, index, langs: [] };
        s.langs.push(li);
        selected.set(key, s);
      }),
    ),
  );
  const z = languages.map(() => 0);
  return {
    summary: {
      version: RESULTS_VERSION,
      createdAt: new Date(0).toISOString(),
      tool: 'test',
      model: { fileName: facts.fileName, sizeBytes: facts.sizeBytes, headerSha256: facts.headerSha256, contentSha256: facts.contentSha256, architecture: facts.architecture, nLayer: facts.nLayer, nFf },
      corpus: { key: 'test', hash: 'test', label: 'test' },
      languages,
      tokens: Object.fromEntries(languages.map((l) => [l, { detect: 0, evaluation: 0 }])),
      sequenceLength: 64,
      params: { topRate: 0.01, filterRate: 0.95, activationBarRatio: 0.95 },
      thresholds: { filter: 0.5, activationBar: 0.5 },
      perLayerCounts: sets.map((layers) => layers.map((l) => l.length)),
      overlap: languages.map(() => [...z]),
      lapeHistogram: { edges: [0, 1], counts: [0], selectionThreshold: 0 },
      pplChange: null,
      randomPplChange: null,
      perplexity: null,
    },
    neurons: {
      version: RESULTS_VERSION,
      languages,
      neurons: sets,
      selected: [...selected.values()].map((s) => ({ ...s, lape: 0.1, probs: languages.map(() => 0.5), means: languages.map(() => means) })),
    },
  };
}
