import type { IdentifyParams } from '../protocol/results.ts';

/**
 * The operations that both the `lape` CLI and the analysis process run: they open the
 * engine, read corpora, and write and read results folders (see protocol/results.ts).
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
  /** Path of a GGUF file, or 'demo' for the built-in demo model. */
  model: string;
  gpuLayers?: number;
  contextSize?: number;
  threads?: number;
}

export interface CorpusChoice {
  /** Built-in UDHR ('udhr', default), a folder of <lang>.txt/.jsonl, or lang=path pairs. */
  kind: 'udhr' | 'folder' | 'pairs';
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
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
}

export interface SteeringSpec {
  /** Languages whose neurons are deactivated. */
  deactivate?: string[];
  /** Languages whose neurons are activated. */
  activate?: string[];
  mode?: 'mean' | 'scale';
  /** Factor for 'scale'; multiplier of the mean for 'mean' (default 1). */
  strength?: number;
  /** Extra neurons picked by hand. */
  neurons?: { layer: number; index: number; mode: 'zero' | 'mean' | 'scale'; value?: number }[];
  /** Only layers in [from, to] are edited. */
  layers?: { from: number; to: number };
}

export interface GenerateRequest extends ModelOptions {
  resultsDir?: string;
  prompt: string;
  /** Text after the cursor: used with fill-in-the-middle tokens where the model has them. */
  suffix?: string;
  /** "Force output language": deactivate the other detected languages, activate this one. */
  force?: string;
  steering?: SteeringSpec;
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  repeatPenalty?: number;
  seed?: number;
  stop?: string[];
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
}

export type ExportFormat = 'json' | 'csv' | 'pth' | 'lora';

export interface GenerateResult {
  text: string;
  stopReason: string;
  tokens: number;
}

/**
 * What the CLI and the analysis process can do. `createPipeline()` (index.ts) is the
 * real one; tests of the analysis server may pass a fake.
 */
export interface Pipeline {
  modelInfo(options: ModelOptions & { signal?: AbortSignal }): Promise<ModelInfo>;
  /** Detection, identification and optionally perplexity; writes and returns the results folder. */
  detect(options: DetectOptions): Promise<import('../protocol/results.ts').ResultsView>;
  /** Identification again from the saved statistics, with other thresholds; no model needed. */
  reidentify(resultsDir: string, params: Partial<IdentifyParams>): Promise<import('../protocol/results.ts').ResultsView>;
  /** The perplexity matrix for an existing results folder. */
  perplexity(resultsDir: string, options: ModelOptions & { signal?: AbortSignal; onProgress?: (p: PipelineProgress) => void }): Promise<import('../protocol/results.ts').ResultsView>;
  openResults(resultsDir: string): Promise<import('../protocol/results.ts').ResultsView>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  exportResults(resultsDir: string, format: ExportFormat, options?: { language?: string; out?: string; model?: string }): Promise<string[]>;
  /** Frees the engine and any loaded model. */
  dispose(): void;
}
