import type { IdentifyParams, ResultsView } from '../protocol/results.ts';
import type { FetchedModel } from '../protocol/modelCatalogue.ts';
import type { GpuSetting } from '../protocol/gpuSetting.ts';
import type {
  DetectOptions, ExportFormat, GenerateRequest, GenerateResult, ModelInfo, ModelOptions, PipelineProgress,
} from '../protocol/pipelineTypes.ts';

// The data types are defined once, in the contract (src/protocol/pipelineTypes.ts). This
// re-export (the pipeline -> protocol direction) keeps `import { Pipeline, DetectOptions }
// from pipeline/index.ts` working for the pipeline's in-process callers.
export type * from '../protocol/pipelineTypes.ts';

/** Writes `<outDir>/report.html` for a results view (src/report/writeReport.ts). */
export type ReportWriter = (outDir: string, view: ResultsView) => Promise<unknown>;

export interface PipelineOptions {
  /**
   * Writes the HTML report next to every results folder the pipeline writes. Left out (tests
   * from sources, where the webview bundle is not built), folders get no report. A writer that
   * throws costs a note on stderr, never the run that made the results.
   */
  writeReport?: ReportWriter;
  /** The llama.cpp build (the CLI's --gpu); left out, LAPE_GPU decides (unset: auto). */
  gpu?: GpuSetting;
  /**
   * Warnings about the engine itself, once per process: today a GPU build that failed its
   * self-test, so the engine runs on the CPU. The CLI prints them on stderr, the analysis
   * process logs them.
   */
  onWarning?: (message: string) => void;
}

/**
 * What the CLI and the analysis process can do. `createPipeline()` (index.ts) is the
 * real one; tests of the analysis server may pass a fake.
 */
export interface Pipeline {
  /** A catalogued model in the cache, fetched and verified when needed. */
  fetchModel(name: string, options?: { signal?: AbortSignal; onProgress?: (p: PipelineProgress) => void }): Promise<FetchedModel>;
  modelInfo(options: ModelOptions & { signal?: AbortSignal; onProgress?: (p: PipelineProgress) => void }): Promise<ModelInfo>;
  /** Detection, identification and optionally perplexity; writes and returns the results folder. */
  detect(options: DetectOptions): Promise<ResultsView>;
  /** Identification again from the saved statistics, with other thresholds; no model needed. */
  reidentify(resultsDir: string, params: Partial<IdentifyParams>): Promise<ResultsView>;
  /** The perplexity matrix for an existing results folder. */
  perplexity(resultsDir: string, options: ModelOptions & { signal?: AbortSignal; onProgress?: (p: PipelineProgress) => void }): Promise<ResultsView>;
  openResults(resultsDir: string): Promise<ResultsView>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** 'control-vector' writes the DiffMean direction toward `language` times `strength` (needs residual means). */
  exportResults(resultsDir: string, format: ExportFormat, options?: { language?: string; out?: string; model?: string; strength?: number }): Promise<string[]>;
  /** Frees the engine and any loaded model. */
  dispose(): void;
}
