import type { IdentifyParams } from './results.ts';
import type { DiffMeanOptions, ForceRecipeOptions, SteeringMethod, SteeringSpec } from './steering.ts';

/**
 * The data that the pipeline's operations take and give back: the `lape` CLI passes them
 * in-process, the analysis process receives them over JSON-RPC (analysisProtocol.ts). They
 * live here, in the contract, so that the extension host can name them without importing the
 * pipeline, and the pipeline imports them from here (never the other way round).
 */

export type PipelinePhase = 'load' | 'tokenize' | 'detect' | 'identify' | 'perplexity' | 'generate' | 'write';

export interface PipelineProgress {
  phase: PipelinePhase;
  message: string;
  language?: string;
  /** Units done and total in this phase (tokens for detect and perplexity), when known. */
  done?: number;
  total?: number;
  tokensPerSecond?: number;
  etaSeconds?: number;
  /** A warning the user should see even when progress is throttled (e.g. a corpus in another language). */
  warning?: boolean;
}

export interface ModelOptions {
  /** Path of a GGUF file, a catalogued name ('gemma-3-270m', fetched on first use), or 'builtin' ('demo') for the built-in model. */
  model: string;
  gpuLayers?: number;
  contextSize?: number;
  threads?: number;
}

export interface CorpusChoice {
  /**
   * Built-in UDHR ('udhr', default: small, about 2–3k tokens per language on a real model),
   * the Debian handbook ('handbook': 224–978 kB of parallel text per language, fetched once
   * into the cache), a folder of <lang>.txt/.jsonl, or lang=path pairs.
   */
  kind: 'udhr' | 'handbook' | 'folder' | 'pairs';
  folder?: string;
  pairs?: string[];
}

export interface DetectOptions extends ModelOptions {
  languages: string[];
  corpus?: CorpusChoice;
  /** Detection tokens per language. */
  budget?: number;
  /** Held-out tokens per language, for perplexity. */
  evalBudget?: number;
  sequenceLength?: number;
  /** Results folder; created if missing. A folder with finished languages is resumed. */
  outDir: string;
  /** This run handles shard `index` of `count` (sequences i with i % count === index). */
  shard?: { index: number; count: number };
  params?: Partial<IdentifyParams>;
  /** Also compute the perplexity matrix after identification. */
  perplexity?: boolean;
  /** Also record each language's mean residual stream after every block (residual-means.json), for DiffMean steering. */
  residualMeans?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
}

export type { SteeringSpec } from './steering.ts';

export interface GenerateRequest extends ModelOptions {
  resultsDir?: string;
  prompt: string;
  /** Text after the cursor: used with fill-in-the-middle tokens where the model has them. */
  suffix?: string;
  /** "Force output language": steer toward this language with `method`. Not with `steering`. */
  force?: string;
  /** How `force` steers; default 'force-neurons'. */
  method?: SteeringMethod;
  /** Parameters of the 'force-neurons' recipe (protocol/steering.ts). */
  forceOptions?: ForceRecipeOptions;
  /** Parameters of the 'diffmean' method. */
  diffMeanOptions?: DiffMeanOptions;
  steering?: SteeringSpec;
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  repeatPenalty?: number;
  seed?: number;
  stop?: string[];
  /**
   * Reuse the KV cache that the previous generate left, where this prompt and steering share
   * a prefix with it, and evaluate only the rest (see GenerateOptions.reuseCache). For
   * ghost text while typing; off by default.
   */
  reuseCache?: boolean;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

export interface ModelInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  architecture: string;
  nLayer: number;
  nEmbd: number;
  nFf: number;
  nVocab: number;
  contextLength: number;
  /** The build in use: 'cuda' | 'vulkan' | 'metal' | 'cpu'. */
  backend: string;
  /** Set when a GPU build failed its self-test and `backend` is what the engine fell back to. */
  gpuFallback?: {
    /** The build that failed: 'cuda' | 'vulkan' | 'metal'. */
    tried: string;
    /** llama.cpp's last error lines from the self-test, or how its process ended. */
    reason: string;
    /** The warning for people, with the fix. */
    message: string;
  };
}

export type ExportFormat = 'json' | 'csv' | 'pth' | 'lora' | 'control-vector';

export interface GenerateResult {
  text: string;
  stopReason: string;
  tokens: number;
  /** Prompt tokens that went through the model: fewer than the prompt's when the cache was reused. */
  promptTokensEvaluated?: number;
  /** With `force`: the method that steered. */
  method?: SteeringMethod;
}
