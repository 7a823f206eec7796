import type { ActivationStats } from './languageStats.ts';
import { LapeError } from './lapeError.ts';
import { kthSmallest, pythonRound } from './kthSmallest.ts';
import { activationProbabilities, keptMask, neuronEntropy } from './lapeEntropy.ts';
import { DEFAULT_IDENTIFY_PARAMS } from './identify.ts';

export interface EntropyHistogram {
  /** bins + 1 edges from 0 to ln(languages), the largest LAPE possible. */
  edges: number[];
  /** Every neuron. */
  all: number[];
  /** Only the neurons that pass identify's filter. */
  kept: number[];
  filterThreshold: number;
}

/** LAPE distribution for charts, with the same filter as identify. */
export function entropyHistogram(stats: ActivationStats, bins: number, filterRate = DEFAULT_IDENTIFY_PARAMS.filterRate): EntropyHistogram {
  if (!Number.isInteger(bins) || bins < 1) throw new LapeError('invalid-params', `bins must be a positive integer, got ${bins}`);
  const nLang = stats.languages.length;
  const probs = activationProbabilities(stats);
  const k = Math.min(Math.max(pythonRound(probs.length * filterRate), 1), probs.length);
  const filterThreshold = kthSmallest(probs, k);
  const entropy = neuronEntropy(probs, nLang);
  const kept = keptMask(probs, nLang, filterThreshold);
  const max = Math.log(nLang);
  const edges = Array.from({ length: bins + 1 }, (_, b) => (max * b) / bins);
  const all = new Array<number>(bins).fill(0);
  const keptCounts = new Array<number>(bins).fill(0);
  const scale = max > 0 ? bins / max : 0;
  for (let i = 0; i < entropy.length; i++) {
    const b = Math.min(bins - 1, Math.floor(entropy[i] * scale));
    all[b]++;
    if (kept[i]) keptCounts[b]++;
  }
  return { edges, all, kept: keptCounts, filterThreshold };
}
