/**
 * The results folder that `lape detect` / `lape demo` write and the extension opens:
 *
 *   summary.json      ResultsSummary (below): everything the charts and the tree need
 *   neurons.json      NeuronSets: the selected neurons with their LAPE and probabilities
 *   stats.lapestats   activation statistics (src/lape/formats/statsFile.ts), for re-identification
 *   report.html       the same charts as the extension's panel, self-contained
 *   residual-means.json  ResidualMeansFile (below), only when detection was asked for it
 *   steering-study.json  the steering study's record, only when the study was run on the folder
 *                        (steeringStudy.ts says what the report draws of it)
 *
 * Plain data only: this file is shared by the CLI, the analysis process, the extension
 * host and the webview.
 */
import type { SteeringStudyView } from './steeringStudy.ts';

export const RESULTS_VERSION = 1;

export interface ModelIdentity {
  /** The model as the user named it: a catalogue name ('gemma-3-270m'), 'builtin', or the path given. */
  name?: string;
  fileName: string;
  sizeBytes: number;
  /** sha256 of the GGUF header and of its first, middle and last 64 KiB of tensor data. */
  headerSha256: string;
  /**
   * sha256 of the GGUF header and of 65 evenly spaced 64 KiB samples of tensor data, which
   * tells apart other weights saved under the same header. Absent in folders written before
   * it existed: those are matched on size and headerSha256 alone.
   */
  contentSha256?: string;
  architecture: string;
  nLayer: number;
  nFf: number;
}

export interface IdentifyParams {
  topRate: number;
  filterRate: number;
  activationBarRatio: number;
}

export const DEFAULT_IDENTIFY_PARAMS: IdentifyParams = { topRate: 0.01, filterRate: 0.95, activationBarRatio: 0.95 };

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: number[];
  counts: number[];
}

export interface PerplexityResults {
  /** Languages evaluated, in `languages` order. */
  base: number[];
  /** [deactivated language][evaluated language]: perplexity after deactivation. */
  deactivated: number[][];
  /** Same shape: an equal number of random neurons deactivated instead. */
  random: number[][];
  evalTokens: number[];
  seed: number;
}

export interface ResultsSummary {
  version: number;
  createdAt: string;
  tool: string;
  model: ModelIdentity;
  corpus: { key: string; hash: string; label: string };
  languages: string[];
  /** Tokens per language used for detection and held out for evaluation. */
  tokens: Record<string, { detect: number; evaluation: number }>;
  /** The same counts, flat, as scripts read them: detection tokens actually used per language. */
  tokensPerLanguage?: Record<string, number>;
  heldOutTokensPerLanguage?: Record<string, number>;
  /** Detection tokens asked for per language; a language with fewer is named in `warnings`. */
  tokenBudget?: number;
  /** [language] → per-layer neuron counts (perLayerCounts keyed by language). */
  neuronsPerLayer?: Record<string, number[]>;
  /** What a reader of the figures should know: corpora that ran out before the budget, and the like. */
  warnings?: string[];
  sequenceLength: number;
  params: IdentifyParams;
  /** The quantile values identification actually used. */
  thresholds: { filter: number; activationBar: number };
  /** [language][layer]: how many of the language's neurons are in the layer. */
  perLayerCounts: number[][];
  /** [language][language]: neurons the two languages share (diagonal: the language's total). */
  overlap: number[][];
  /** LAPE (entropy) of all neurons that passed the filter, with the selection cut-off. */
  lapeHistogram: Histogram & { selectionThreshold: number };
  /** [deactivated language][evaluated language]: (ppl_after - ppl_before) / ppl_before. */
  pplChange: number[][] | null;
  randomPplChange: number[][] | null;
  perplexity: PerplexityResults | null;
}

export interface SelectedNeuron {
  layer: number;
  index: number;
  lape: number;
  /** Activation probability per language, in `languages` order. */
  probs: number[];
  /** Mean activation per language, in `languages` order (what "set to mean" writes). */
  means: number[];
  /** Indices into `languages` of the languages this neuron belongs to. */
  langs: number[];
}

export interface NeuronSets {
  version: number;
  languages: string[];
  /** [language][layer]: ascending neuron indices, every language present. */
  neurons: number[][][];
  selected: SelectedNeuron[];
}

/** What the LAPE panel renders: summary plus neuron details. */
export interface ResultsView {
  summary: ResultsSummary;
  neurons: NeuronSets;
  /** The steering study run on this folder, when its record is there and readable. */
  steeringStudy?: SteeringStudyView;
}

/**
 * residual-means.json: per language, the mean residual stream after each block over its
 * detection tokens, what DiffMean steering and control-vector export are made of.
 */
export interface ResidualMeansFile {
  version: 1;
  /** headerSha256 of the model they were computed on. */
  modelHeaderSha256: string;
  /** contentSha256 of that model; absent in files written before it existed. */
  modelContentSha256?: string;
  languages: string[];
  nLayer: number;
  nEmbd: number;
  /** Detection tokens per language, in `languages` order. */
  tokens: number[];
  /** Base64 of little-endian float32 values, [language][layer][n_embd]. */
  means: string;
}

export const RESIDUAL_MEANS_FILE = 'residual-means.json';
