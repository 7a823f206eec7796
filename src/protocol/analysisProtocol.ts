import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { IdentifyParams, ResultsView } from './results.ts';
import type {
  CorpusChoice, DetectOptions, ExportFormat, GenerateRequest as PipelineGenerateRequest, GenerateResult, ModelInfo, ModelOptions,
  PipelineProgress,
} from './pipelineTypes.ts';
import type { SteeringSpec } from './steering.ts';

/**
 * The typed JSON-RPC contract between the extension host (client) and the analysis process
 * (server, dist/analysis.js), spoken over the Node IPC channel of `child_process.fork`.
 *
 * Plain data only: callbacks and AbortSignals of the pipeline API become a `progressToken`
 * (progress and streamed text come back as notifications carrying it) and JSON-RPC
 * cancellation ($/cancelRequest), which the server turns into an AbortSignal.
 *
 * "Queued" requests share the one model and engine of the process: the server runs them one
 * at a time, in arrival order, and drops a queued one that is cancelled before its turn.
 */

export type { CorpusChoice, ExportFormat, GenerateResult, ModelInfo, ModelOptions, PipelineProgress, SteeringSpec, IdentifyParams, ResultsView };

/** Bumped when a message changes shape; the client refuses a server that speaks another. */
export const ANALYSIS_PROTOCOL_VERSION = 1;

/** Application error codes in `ResponseError.code`, outside JSON-RPC's reserved range. */
export const AnalysisErrorCodes = {
  /** The request was cancelled (same value as LSP's RequestCancelled). */
  Cancelled: -32800,
  /** The pipeline threw; `data` is an AnalysisErrorData. */
  Failed: 1,
} as const;

export interface AnalysisErrorData {
  /** The error's class name: 'PipelineError', 'CorpusError', 'EngineError'… */
  name: string;
  /** Its `code` property where it has one (CorpusError's 'unknown-language'). */
  code?: string;
  stack?: string;
}

/** Fields every long request may carry: progress and streamed text come back keyed by it. */
export interface WithProgressToken {
  progressToken?: string;
}

// ---------------------------------------------------------------- handshake and housekeeping

export interface ReadyParams {
  pid: number;
  protocolVersion: number;
  node: string;
}

/** server → client, once, as soon as the server listens. The client sends nothing before it. */
export const ReadyNotification = new NotificationType<ReadyParams>('analysis/ready');

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogParams {
  level: LogLevel;
  message: string;
}

/** server → client: a line for the "Language Neurons" output channel. */
export const LogNotification = new NotificationType<LogParams>('analysis/log');

export interface ProgressParams {
  token: string;
  progress: PipelineProgress;
}

/** server → client: progress of the request whose `progressToken` is `token`, in order. */
export const ProgressNotification = new NotificationType<ProgressParams>('analysis/progress');

export interface GeneratedTextParams {
  token: string;
  /** The next piece of generated text (not the whole text so far). */
  text: string;
}

/** server → client: streamed text of the generate request whose `progressToken` is `token`. */
export const GeneratedTextNotification = new NotificationType<GeneratedTextParams>('analysis/generatedText');

export interface ServerStatus {
  pid: number;
  /** The method of the long request now running, or null. */
  running: string | null;
  /** Long requests waiting behind it. */
  queued: number;
  memory: { rss: number; heapUsed: number };
}

/** client → server: a quick look at what the server is doing; never queued. */
export const StatusRequest = new RequestType0<ServerStatus, AnalysisErrorData>('analysis/status');

/** client → server: dispose the pipeline (frees the model); the process exits after answering. */
export const ShutdownRequest = new RequestType0<void, AnalysisErrorData>('analysis/shutdown');

// ---------------------------------------------------------------- model

export type ModelInfoParams = ModelOptions & WithProgressToken;

/** client → server: load (or reuse) a model and describe it. `model: 'demo'` is the demo model. Queued. */
export const ModelInfoRequest = new RequestType<ModelInfoParams, ModelInfo, AnalysisErrorData>('analysis/modelInfo');

export interface DownloadModelParams extends WithProgressToken {
  /** `hf:owner/repo:quant`, `hf:owner/repo/file.gguf#branch` or an https URL. */
  uri: string;
  /** Folder to save into (the extension's global storage). */
  directory: string;
}

export interface DownloadModelResult {
  /** The file to pass as `model`. */
  path: string;
  sizeBytes: number;
}

/** client → server: download a GGUF with node-llama-cpp's downloader. Queued; progress in bytes. */
export const DownloadModelRequest = new RequestType<DownloadModelParams, DownloadModelResult, AnalysisErrorData>('analysis/downloadModel');

export interface LanguageEntry {
  code: string;
  name: string;
}

/** client → server: the languages the built-in UDHR corpus has. Not queued. */
export const LanguagesRequest = new RequestType0<LanguageEntry[], AnalysisErrorData>('analysis/languages');

// ---------------------------------------------------------------- detection and results

export type DetectParams = Omit<DetectOptions, 'signal' | 'onProgress'> & WithProgressToken;

/** client → server: detection, identification and optionally perplexity; writes `outDir`. Queued. */
export const DetectRequest = new RequestType<DetectParams, ResultsView, AnalysisErrorData>('analysis/detect');

export interface ReidentifyParams {
  resultsDir: string;
  params: Partial<IdentifyParams>;
}

/**
 * client → server: identification again from saved statistics, no model. Not behind the
 * engine queue (live sliders during a detection), but one at a time among themselves.
 */
export const ReidentifyRequest = new RequestType<ReidentifyParams, ResultsView, AnalysisErrorData>('analysis/reidentify');

export interface PerplexityParams extends ModelOptions, WithProgressToken {
  resultsDir: string;
}

/** client → server: the perplexity matrix for an existing results folder. Queued. */
export const PerplexityRequest = new RequestType<PerplexityParams, ResultsView, AnalysisErrorData>('analysis/perplexity');

export interface OpenResultsParams {
  resultsDir: string;
}

/** client → server: read a results folder (the CLI's too). Not queued. */
export const OpenResultsRequest = new RequestType<OpenResultsParams, ResultsView, AnalysisErrorData>('analysis/openResults');

export interface ExportResultsParams {
  resultsDir: string;
  format: ExportFormat;
  language?: string;
  out?: string;
  /** The model, for 'lora' (the adapter needs its ffn_down weights). */
  model?: string;
}

export interface ExportResultsResult {
  files: string[];
}

/** client → server: write json/csv/pth/lora exports of a results folder. Queued. */
export const ExportResultsRequest = new RequestType<ExportResultsParams, ExportResultsResult, AnalysisErrorData>('analysis/exportResults');

// ---------------------------------------------------------------- generation

export type GenerateParams = Omit<PipelineGenerateRequest, 'signal' | 'onText'> & WithProgressToken;

/**
 * client → server: generate text, optionally steered. Queued. The text streams back as
 * GeneratedTextNotification keyed by `progressToken`; the response holds the whole text.
 */
export const GenerateRequest = new RequestType<GenerateParams, GenerateResult, AnalysisErrorData>('analysis/generate');
