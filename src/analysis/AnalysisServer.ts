import { ResponseError, type CancellationToken, type HandlerResult, type MessageConnection, type RequestType, type RequestType0 } from 'vscode-jsonrpc';
import {
  ANALYSIS_PROTOCOL_VERSION, AnalysisErrorCodes, DetectRequest, DownloadModelRequest, ExportResultsRequest, GenerateRequest,
  GeneratedTextNotification, LanguagesRequest, LogNotification, ModelInfoRequest, OpenResultsRequest, PerplexityRequest,
  ProgressNotification, ReadyNotification, ReidentifyRequest, ShutdownRequest, StatusRequest,
  type AnalysisErrorData, type LogLevel, type PipelineProgress, type WithProgressToken,
} from '../protocol/analysisProtocol.ts';
import type { AnalysisBackend } from './AnalysisBackend.ts';
import { RequestQueue } from './RequestQueue.ts';

export interface AnalysisServerOptions {
  connection: MessageConnection;
  backend: AnalysisBackend;
  /** Reported in the ready handshake and in status; the process's own pid by default. */
  pid?: number;
  /** Called after the shutdown request has been answered: the process glue exits there. */
  onShutdown?: () => void;
}

/** What a handler gets besides its params. */
interface RequestContext {
  signal: AbortSignal;
  progress(p: PipelineProgress): void;
  text(chunk: string): void;
}

/**
 * The analysis process's JSON-RPC server: it wraps the pipeline, runs long requests one at
 * a time, turns JSON-RPC cancellation into AbortSignals and progress callbacks into
 * notifications. It knows nothing of processes, so tests drive it over in-memory streams.
 */
export class AnalysisServer {
  private readonly connection: MessageConnection;
  private readonly backend: AnalysisBackend;
  /** The model and engine: one long request at a time. */
  private readonly queue = new RequestQueue();
  /** Re-identification rewrites results folders: one at a time, but never behind a detection. */
  private readonly resultsQueue = new RequestQueue();
  private readonly active = new Set<AbortController>();
  /** Requests not yet answered, so shutdown can let them unwind before freeing the engine. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly pid: number;
  private readonly onShutdown: () => void;
  private disposed = false;

  constructor(options: AnalysisServerOptions) {
    this.connection = options.connection;
    this.backend = options.backend;
    this.pid = options.pid ?? process.pid;
    this.onShutdown = options.onShutdown ?? (() => undefined);
    this.register();
  }

  /** Starts reading messages and announces readiness; the client waits for that. */
  listen(): void {
    this.connection.listen();
    void this.connection.sendNotification(ReadyNotification, { pid: this.pid, protocolVersion: ANALYSIS_PROTOCOL_VERSION, node: process.version });
  }

  log(level: LogLevel, message: string): void {
    if (this.disposed) return;
    void this.connection.sendNotification(LogNotification, { level, message }).catch(() => undefined);
  }

  /** Aborts whatever runs and frees the pipeline at once (the process is about to end). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const controller of this.active) controller.abort(cancelled());
    this.backend.dispose();
  }

  /**
   * Aborts whatever runs, waits (up to `timeoutMs`) for it to unwind out of the engine, then
   * frees the pipeline: freeing a model under a running decode would crash the process.
   */
  async shutdown(timeoutMs = 5000): Promise<void> {
    if (this.disposed) return;
    for (const controller of this.active) controller.abort(cancelled());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
    ]);
    clearTimeout(timer);
    this.dispose();
  }

  private register(): void {
    const { backend } = this;
    this.handle(ModelInfoRequest, async (p, c) => (await backend.pipeline()).modelInfo({ ...modelOptions(p), signal: c.signal, onProgress: c.progress }));
    this.handle(DownloadModelRequest, (p, c) => backend.downloadModel({ uri: p.uri, directory: p.directory, signal: c.signal, onProgress: c.progress }));
    this.handle0(LanguagesRequest, () => backend.languages());
    this.handle(DetectRequest, async (p, c) => {
      const { progressToken: _token, ...options } = p;
      return (await backend.pipeline()).detect({ ...options, signal: c.signal, onProgress: c.progress });
    });
    this.handle(ReidentifyRequest, async (p) => (await backend.pipeline()).reidentify(p.resultsDir, p.params));
    this.handle(PerplexityRequest, async (p, c) =>
      (await backend.pipeline()).perplexity(p.resultsDir, { ...modelOptions(p), signal: c.signal, onProgress: c.progress }));
    this.handle(OpenResultsRequest, async (p) => (await backend.pipeline()).openResults(p.resultsDir));
    this.handle(ExportResultsRequest, async (p) => ({
      files: await (await backend.pipeline()).exportResults(p.resultsDir, p.format, { language: p.language, out: p.out, model: p.model }),
    }));
    this.handle(GenerateRequest, async (p, c) => {
      const { progressToken: _token, ...request } = p;
      return (await backend.pipeline()).generate({ ...request, signal: c.signal, onText: c.text });
    });
    this.connection.onRequest(StatusRequest, () => {
      const memory = process.memoryUsage();
      return { pid: this.pid, running: this.queue.running, queued: this.queue.queued, memory: { rss: memory.rss, heapUsed: memory.heapUsed } };
    });
    this.connection.onRequest(ShutdownRequest, async () => {
      await this.shutdown();
      // Exit only once the answer is on its way out.
      setImmediate(this.onShutdown);
    });
  }

  private handle0<R>(type: RequestType0<R, AnalysisErrorData>, run: (c: RequestContext) => Promise<R>): void {
    this.connection.onRequest(type, (token) => this.track(this.execute(type.method, undefined, token, run)) as Handled<R>);
  }

  private handle<P extends object, R>(type: RequestType<P, R, AnalysisErrorData>, run: (params: P, c: RequestContext) => Promise<R>): void {
    this.connection.onRequest(type, (params, token) =>
      this.track(this.execute(type.method, (params as WithProgressToken).progressToken, token, (c) => run(params, c))) as Handled<R>);
  }

  private track<R>(request: Promise<R>): Promise<R> {
    this.pending.add(request);
    const forget = (): void => { this.pending.delete(request); };
    request.then(forget, forget);
    return request;
  }

  private async execute<R>(method: string, progressToken: string | undefined, token: CancellationToken, run: (c: RequestContext) => Promise<R>): Promise<R> {
    if (this.disposed) throw new ResponseError(AnalysisErrorCodes.Cancelled, 'The analysis process is shutting down.');
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort(cancelled()));
    if (token.isCancellationRequested) controller.abort(cancelled());
    this.active.add(controller);
    const context: RequestContext = {
      signal: controller.signal,
      progress: (progress) => {
        if (progressToken !== undefined && !controller.signal.aborted) void this.connection.sendNotification(ProgressNotification, { token: progressToken, progress });
      },
      text: (text) => {
        if (progressToken !== undefined) void this.connection.sendNotification(GeneratedTextNotification, { token: progressToken, text });
      },
    };
    try {
      const job = (): Promise<R> => run(context);
      const lane = LANES[method];
      return await (lane ? this[lane].run(method, controller.signal, job) : job());
    } catch (error) {
      if (controller.signal.aborted) throw new ResponseError(AnalysisErrorCodes.Cancelled, `${shortName(method)} was cancelled.`);
      this.log('error', `${shortName(method)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw toResponseError(error);
    } finally {
      subscription.dispose();
      this.active.delete(controller);
    }
  }
}

// vscode-jsonrpc's HandlerResult is a conditional type that a generic Promise<R> cannot be
// checked against until R is known; the value is exactly a Promise<R>.
type Handled<R> = HandlerResult<R, AnalysisErrorData>;

/** Which queue a request waits in; the others (openResults, languages, status) run at once. */
const LANES: Record<string, 'queue' | 'resultsQueue' | undefined> = {
  [ModelInfoRequest.method]: 'queue',
  [DownloadModelRequest.method]: 'queue',
  [DetectRequest.method]: 'queue',
  [PerplexityRequest.method]: 'queue',
  [ExportResultsRequest.method]: 'queue',
  [GenerateRequest.method]: 'queue',
  [ReidentifyRequest.method]: 'resultsQueue',
};

function modelOptions(p: { model: string; gpuLayers?: number; contextSize?: number; threads?: number }) {
  return { model: p.model, gpuLayers: p.gpuLayers, contextSize: p.contextSize, threads: p.threads };
}

function cancelled(): DOMException {
  return new DOMException('The request was cancelled.', 'AbortError');
}

function shortName(method: string): string {
  return method.replace(/^analysis\//, '');
}

function toResponseError(error: unknown): ResponseError<AnalysisErrorData> {
  if (error instanceof ResponseError) return error as ResponseError<AnalysisErrorData>;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return new ResponseError(AnalysisErrorCodes.Failed, error.message, {
      name: error.name, code: typeof code === 'string' ? code : undefined, stack: error.stack,
    });
  }
  return new ResponseError(AnalysisErrorCodes.Failed, String(error), { name: 'Error' });
}
