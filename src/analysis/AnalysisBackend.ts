import type { DownloadModelResult, LanguageEntry, PipelineProgress } from '../protocol/analysisProtocol.ts';
import type { Pipeline } from '../pipeline/types.ts';

export interface DownloadModelOptions {
  uri: string;
  directory: string;
  signal: AbortSignal;
  onProgress(progress: PipelineProgress): void;
}

/**
 * Everything the analysis server serves. The real one (createAnalysisBackend.ts) loads
 * the pipeline, the corpus tables and node-llama-cpp lazily; tests pass fakes.
 */
export interface AnalysisBackend {
  /** The pipeline, created on first use so the process answers `ready` before any native load. */
  pipeline(): Promise<Pipeline>;
  languages(): Promise<LanguageEntry[]>;
  downloadModel(options: DownloadModelOptions): Promise<DownloadModelResult>;
  /** Frees the pipeline if it was ever created. */
  dispose(): void;
}
