import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Emitter, type CancellationToken, type Event, type MessageConnection, type RequestType, type RequestType0 } from 'vscode-jsonrpc';
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import {
  ANALYSIS_PROTOCOL_VERSION, GeneratedTextNotification, LogNotification, ProgressNotification, ReadyNotification, ShutdownRequest,
  type AnalysisErrorData, type PipelineProgress, type ReadyParams,
} from '../protocol/analysisProtocol.ts';
import { AnalysisError, toAnalysisError } from './analysisErrors.ts';
import { RestartPolicy } from './RestartPolicy.ts';

export interface AnalysisClientOptions {
  /** dist/analysis.js, or a test entry. */
  modulePath: string;
  /** Node flags for the child, e.g. ['--import', 'tsx'] to run a TypeScript entry. Never inherited. */
  execArgv?: string[];
  /** Added to the child's environment; a function is asked again at every start (settings may have changed). */
  env?: Record<string, string | undefined> | (() => Record<string, string | undefined>);
  cwd?: string;
  restartPolicy?: RestartPolicy;
  readyTimeoutMs?: number;
  shutdownTimeoutMs?: number;
}

/** 'failed': crashed too often and not restarted until someone calls restart(). */
export type AnalysisClientState = 'stopped' | 'starting' | 'running' | 'failed';

export interface AnalysisRequestOptions {
  token?: CancellationToken;
  onProgress?: (progress: PipelineProgress) => void;
  onText?: (text: string) => void;
  /** For messages and the status bar ("Detecting language neurons"); the method name by default. */
  label?: string;
  /** Left out of activeRequests (no status bar spinner), e.g. ghost-text completions. */
  background?: boolean;
}

export interface ActiveRequest {
  id: number;
  method: string;
  label: string;
  startedAt: number;
}

export interface CrashEvent {
  code: number | null;
  signal: NodeJS.Signals | null;
  restarting: boolean;
  recentCrashes: number;
}

interface RunningProcess {
  child: ChildProcess;
  connection: MessageConnection;
  ready: Promise<ReadyParams>;
  exited: Promise<void>;
}

interface InFlight extends ActiveRequest {
  options: AnalysisRequestOptions;
  progressToken?: string;
  fail(error: AnalysisError): void;
}

/**
 * The extension's side of the analysis process: forks it, speaks the protocol over IPC,
 * routes progress and streamed text to the caller, fails in-flight requests clearly when
 * the process dies and restarts it unless it keeps crashing. vscode-free, so it is tested
 * in plain Node; registerAnalysisClient.ts adds the output channel and commands.
 */
export class AnalysisClient {
  private readonly options: AnalysisClientOptions;
  private readonly policy: RestartPolicy;
  private readonly stateEmitter = new Emitter<AnalysisClientState>();
  private readonly outputEmitter = new Emitter<string>();
  private readonly crashEmitter = new Emitter<CrashEvent>();
  private readonly activityEmitter = new Emitter<readonly ActiveRequest[]>();
  private readonly inFlight = new Map<number, InFlight>();
  private proc: RunningProcess | undefined;
  private currentState: AnalysisClientState = 'stopped';
  private stopping = false;
  private disposed = false;
  private nextId = 0;

  readonly onDidChangeState: Event<AnalysisClientState> = this.stateEmitter.event;
  /** stdout, stderr and log notifications of the child, as text. */
  readonly onOutput: Event<string> = this.outputEmitter.event;
  readonly onDidCrash: Event<CrashEvent> = this.crashEmitter.event;
  readonly onDidChangeActivity: Event<readonly ActiveRequest[]> = this.activityEmitter.event;

  constructor(options: AnalysisClientOptions) {
    this.options = options;
    this.policy = options.restartPolicy ?? new RestartPolicy();
  }

  get state(): AnalysisClientState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.proc?.child.pid;
  }

  get activeRequests(): readonly ActiveRequest[] {
    return [...this.inFlight.values()].filter((r) => !r.options.background).map(({ id, method, label, startedAt }) => ({ id, method, label, startedAt }));
  }

  /** Starts the process if it is not running; resolves once it said it is ready. */
  async start(): Promise<ReadyParams> {
    return (await this.running()).ready;
  }

  /** What the "Restart analysis process" command does: forget earlier crashes and start afresh. */
  async restart(): Promise<ReadyParams> {
    this.policy.reset();
    await this.stop();
    if (this.currentState === 'failed') this.setState('stopped');
    return this.start();
  }

  request<R>(type: RequestType0<R, AnalysisErrorData>, options?: AnalysisRequestOptions): Promise<R>;
  request<P extends object, R>(type: RequestType<P, R, AnalysisErrorData>, params: P, options?: AnalysisRequestOptions): Promise<R>;
  async request<R>(type: RequestType0<R, AnalysisErrorData> | RequestType<object, R, AnalysisErrorData>, ...args: unknown[]): Promise<R> {
    const hasParams = type.numberOfParams > 0;
    const params = hasParams ? (args[0] as object) : undefined;
    const options = ((hasParams ? args[1] : args[0]) ?? {}) as AnalysisRequestOptions;
    const label = options.label ?? type.method.replace(/^analysis\//, '');
    if (options.token?.isCancellationRequested) throw new AnalysisError('cancelled', `${label} was cancelled.`);
    const proc = await this.running();
    await proc.ready;
    const id = ++this.nextId;
    const progressToken = options.onProgress || options.onText ? `r${id}` : undefined;
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(id);
        this.activityEmitter.fire(this.activeRequests);
        finish();
      };
      this.inFlight.set(id, { id, method: type.method, label, startedAt: Date.now(), options, progressToken, fail: (e) => settle(() => reject(e)) });
      this.activityEmitter.fire(this.activeRequests);
      const sent = params === undefined
        ? proc.connection.sendRequest(type as RequestType0<R, AnalysisErrorData>, options.token)
        : proc.connection.sendRequest(type as RequestType<object, R, AnalysisErrorData>, progressToken ? { ...params, progressToken } : params, options.token);
      sent.then((r) => settle(() => resolve(r)), (e: unknown) => settle(() => reject(toAnalysisError(e, label))));
    });
  }

  /** Asks the process to shut down, and kills it if it does not within the timeout. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.stopping = true;
    try {
      const timeout = this.options.shutdownTimeoutMs ?? 3000;
      await withTimeout(proc.connection.sendRequest(ShutdownRequest).catch(() => undefined), timeout);
      if (!(await withTimeout(proc.exited.then(() => true), timeout))) proc.child.kill('SIGKILL');
      await proc.exited;
    } finally {
      this.stopping = false;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stop();
    this.disposed = true;
    this.stateEmitter.dispose();
    this.outputEmitter.dispose();
    this.crashEmitter.dispose();
    this.activityEmitter.dispose();
  }

  private async running(): Promise<RunningProcess> {
    if (this.disposed) throw new AnalysisError('notRunning', 'The analysis client was disposed.');
    if (this.currentState === 'failed') {
      throw new AnalysisError('notRunning', `The analysis process crashed ${this.policy.maxCrashes} times within ${Math.round(this.policy.windowMs / 60_000)} minutes and was not restarted. Run "Language Neurons: Restart Analysis Process" to try again.`);
    }
    return this.proc ?? this.spawn();
  }

  private spawn(): RunningProcess {
    const { modulePath } = this.options;
    if (!existsSync(modulePath)) {
      this.setState('failed');
      throw new AnalysisError('notRunning', `The analysis process entry ${modulePath} is missing. The extension was not built (run \`npm run build\`).`);
    }
    this.setState('starting');
    const child = fork(modulePath, [], {
      execArgv: this.options.execArgv ?? [],
      cwd: this.options.cwd,
      // Inside VS Code process.execPath is Electron: make it behave as plain Node.
      env: { ...process.env, ...(typeof this.options.env === 'function' ? this.options.env() : this.options.env), ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => this.outputEmitter.fire(text));
    }
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onNotification(ProgressNotification, ({ token, progress }) => this.byToken(token)?.options.onProgress?.(progress));
    connection.onNotification(GeneratedTextNotification, ({ token, text }) => this.byToken(token)?.options.onText?.(text));
    connection.onNotification(LogNotification, ({ level, message }) => this.outputEmitter.fire(`[${level}] ${message}\n`));
    // Errors surface through 'exit' and failed requests; without a listener they would throw.
    connection.onError(() => undefined);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.onExit(proc, code, signal);
        resolve();
      });
    });
    child.on('error', (error) => this.outputEmitter.fire(`Analysis process error: ${error.message}\n`));
    const ready = new Promise<ReadyParams>((resolve, reject) => {
      const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        reject(new AnalysisError('notRunning', `The analysis process did not start within ${timeoutMs / 1000} s.`));
        child.kill('SIGKILL');
      }, timeoutMs);
      connection.onNotification(ReadyNotification, (params) => {
        clearTimeout(timer);
        if (params.protocolVersion !== ANALYSIS_PROTOCOL_VERSION) {
          reject(new AnalysisError('notRunning', `The analysis process speaks protocol ${params.protocolVersion}, the extension ${ANALYSIS_PROTOCOL_VERSION}: rebuild the extension.`));
          child.kill();
          return;
        }
        if (this.proc === proc) this.setState('running');
        resolve(params);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new AnalysisError('processDied', `The analysis process exited before it was ready (${describeExit(child.exitCode, child.signalCode)}). See the "Language Neurons" output.`));
      });
    });
    ready.catch(() => undefined);
    const proc: RunningProcess = { child, connection, ready, exited };
    this.proc = proc;
    connection.listen();
    return proc;
  }

  private onExit(proc: RunningProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.proc !== proc) return;
    this.proc = undefined;
    proc.connection.dispose();
    const how = describeExit(code, signal);
    const intended = this.stopping || this.disposed;
    for (const request of [...this.inFlight.values()]) {
      request.fail(intended
        ? new AnalysisError('notRunning', `${request.label} was stopped: the analysis process was shut down.`)
        : new AnalysisError('processDied', `The analysis process stopped unexpectedly (${how}) while running ${request.label}. See the "Language Neurons" output for its last messages.`));
    }
    if (intended) {
      this.setState('stopped');
      return;
    }
    this.outputEmitter.fire(`The analysis process stopped unexpectedly (${how}).\n`);
    const restarting = this.policy.recordCrash();
    this.crashEmitter.fire({ code, signal, restarting, recentCrashes: this.policy.recentCrashes });
    if (!restarting) {
      this.setState('failed');
      return;
    }
    try {
      this.spawn();
    } catch (error) {
      this.outputEmitter.fire(`Could not restart the analysis process: ${(error as Error).message}\n`);
    }
  }

  private byToken(token: string): InFlight | undefined {
    for (const request of this.inFlight.values()) if (request.progressToken === token) return request;
    return undefined;
  }

  private setState(state: AnalysisClientState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
