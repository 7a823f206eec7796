import type { ActivationStats } from './languageStats.ts';
import { LapeError } from './lapeError.ts';
import { kthSmallest, pythonRound, selectInPlace } from './kthSmallest.ts';
import { activationProbabilities, keptMask, neuronEntropy } from './lapeEntropy.ts';

export interface IdentifyParams {
  /** Share of ALL neurons to select, lowest LAPE first. The paper and the published sets use 0.01. */
  topRate?: number;
  /** Quantile of all p values that some language must exceed for a neuron to be kept. */
  filterRate?: number;
  /** Quantile of all p values that a language must exceed for a selected neuron to belong to it. */
  activationBarRatio?: number;
}

export const DEFAULT_IDENTIFY_PARAMS: Readonly<Required<IdentifyParams>> = Object.freeze({
  topRate: 0.01,
  filterRate: 0.95,
  activationBarRatio: 0.95,
});

/** The selected neurons as parallel typed arrays, lowest LAPE first. */
export interface SelectedNeurons {
  count: number;
  layer: Int32Array;
  index: Int32Array;
  /** LAPE; +Infinity for a neuron taken although the filter dropped it (see identify). */
  entropy: Float64Array;
  /** p per language, `[i * nLang + l]`. */
  probs: Float32Array;
  /** 1 where the neuron belongs to language l, `[i * nLang + l]`. */
  assigned: Uint8Array;
}

export interface IdentifyResult {
  languages: string[];
  nLayer: number;
  nFf: number;
  params: Required<IdentifyParams>;
  /** `neurons[lang][layer]`: ascending neuron indices. Every language is present, even if empty. */
  neurons: number[][][];
  perLayerCounts: number[][];
  /** Neurons shared by two languages; the diagonal is each language's total. */
  overlap: number[][];
  /** Number of neurons assigned to at least one language. */
  distinctCount: number;
  /** The p quantile of the filter, and the k (1-based) of the kthvalue that gave it. */
  filterThreshold: number;
  filterK: number;
  activationBar: number;
  activationBarK: number;
  /** Neurons that passed the filter. */
  keptCount: number;
  selected: SelectedNeurons;
}

/**
 * LAPE identification, a port of identify.py (RUCAIBox/Language-Specific-Neurons):
 * - N = all p values (layers x n_ff x languages); filterThreshold = kthvalue(round(N * filterRate));
 * - LAPE of neurons with no p > filterThreshold becomes +inf;
 * - select topk(round(layers * n_ff * topRate), largest=False) of the flattened LAPE;
 * - activationBar = kthvalue(round(N * activationBarRatio)) of ALL p values (not only the
 *   selected neurons'), and a selected neuron belongs to each language with p > activationBar.
 *
 * Ties: torch.topk's order among equal LAPE values is unspecified; here the lower flat index
 * (layer * nFf + j) wins. That includes the case where fewer neurons pass the filter than are
 * to be selected: the reference then takes some +inf ones too, and so does this, lowest index
 * first (with activationBarRatio >= filterRate they belong to no language, so this is moot).
 * p is float32 as in torch (see activationProbabilities), so thresholds and `>` tests agree
 * bit for bit; LAPE is computed in double.
 * Deviations: every language gets a list, also trailing ones without neurons, which the
 * reference's bincount drops; and where torch would raise, k of a kthvalue is clamped to 1..N
 * and the topk count to the number of neurons. identify.py as published hard-codes
 * top_rate = 0.05; the default here is the paper's 0.01, which the published neuron files
 * (named "...0.01.0.95.0.95...") were made with.
 */
export function identify(stats: ActivationStats, params: IdentifyParams = {}): IdentifyResult {
  const p = resolveParams(params);
  const { nLayer, nFf } = stats;
  const languages = stats.languages.map((l) => l.lang);
  const nLang = languages.length;
  const probs = activationProbabilities(stats);
  const nNeurons = nLayer * nFf;
  const nProbs = probs.length;

  const filterK = clampK(pythonRound(nProbs * p.filterRate), nProbs);
  const activationBarK = clampK(pythonRound(nProbs * p.activationBarRatio), nProbs);
  const filterThreshold = kthSmallest(probs, filterK);
  const activationBar = activationBarK === filterK ? filterThreshold : kthSmallest(probs, activationBarK);

  const entropy = neuronEntropy(probs, nLang);
  const kept = keptMask(probs, nLang, filterThreshold);
  let keptCount = 0;
  for (let i = 0; i < nNeurons; i++) keptCount += kept[i];
  const masked = new Float64Array(nNeurons);
  for (let i = 0; i < nNeurons; i++) masked[i] = kept[i] ? entropy[i] : Infinity;

  const count = Math.min(pythonRound(nNeurons * p.topRate), nNeurons);
  const chosen = lowestK(masked, count);

  const selected: SelectedNeurons = {
    count,
    layer: new Int32Array(count),
    index: new Int32Array(count),
    entropy: new Float64Array(count),
    probs: new Float32Array(count * nLang),
    assigned: new Uint8Array(count * nLang),
  };
  for (let s = 0; s < count; s++) {
    const flat = chosen[s];
    selected.layer[s] = Math.floor(flat / nFf);
    selected.index[s] = flat % nFf;
    selected.entropy[s] = masked[flat];
    for (let l = 0; l < nLang; l++) {
      const v = probs[flat * nLang + l];
      selected.probs[s * nLang + l] = v;
      selected.assigned[s * nLang + l] = v > activationBar ? 1 : 0;
    }
  }

  // identify.py sorts each language's (layer, index) pairs; walking the selection in flat
  // order gives the same ascending lists.
  const byFlat = Int32Array.from({ length: count }, (_, s) => s).sort((x, y) => chosen[x] - chosen[y]);
  const neurons = languages.map(() => Array.from({ length: nLayer }, (): number[] => []));
  const overlap = languages.map(() => new Array<number>(nLang).fill(0));
  let distinctCount = 0;
  for (const s of byFlat) {
    let any = false;
    for (let a = 0; a < nLang; a++) {
      if (!selected.assigned[s * nLang + a]) continue;
      any = true;
      neurons[a][selected.layer[s]].push(selected.index[s]);
      for (let b = 0; b < nLang; b++) if (selected.assigned[s * nLang + b]) overlap[a][b]++;
    }
    if (any) distinctCount++;
  }
  const perLayerCounts = neurons.map((layers) => layers.map((idx) => idx.length));

  return {
    languages,
    nLayer,
    nFf,
    params: p,
    neurons,
    perLayerCounts,
    overlap,
    distinctCount,
    filterThreshold,
    filterK,
    activationBar,
    activationBarK,
    keptCount,
    selected,
  };
}

function resolveParams(params: IdentifyParams): Required<IdentifyParams> {
  const p = { ...DEFAULT_IDENTIFY_PARAMS, ...stripUndefined(params) };
  for (const [name, v] of Object.entries(p)) {
    if (!(v >= 0 && v <= 1)) throw new LapeError('invalid-params', `${name} must be between 0 and 1, got ${v}`);
  }
  return p;
}

function stripUndefined(params: IdentifyParams): IdentifyParams {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

function clampK(k: number, n: number): number {
  return Math.min(Math.max(k, 1), n);
}

/**
 * Flat indices of the `k` smallest values, ascending by (value, index): a selection for the
 * cut-off, then a sort of only the chosen.
 */
function lowestK(values: Float64Array, k: number): Int32Array {
  const out = new Int32Array(k);
  if (k === 0) return out;
  const cut = selectInPlace(values.slice(), k - 1);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < cut) out[n++] = i;
  for (let i = 0; i < values.length && n < k; i++) if (values[i] === cut) out[n++] = i;
  return out.sort((x, y) => values[x] - values[y] || x - y);
}
