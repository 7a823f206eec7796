/**
 * The timing logic of ghost-text completions, free of VS Code so that it can be tested
 * with a fake clock (ggml-org/llama.vscode's habits): wait for typing to pause, answer
 * from a cache keyed by prefix and suffix, abort the model request as soon as the user
 * types again, and give up after a time cap instead of ever blocking the editor. A request
 * the analysis process refuses (say, DiffMean without residual means) is reported once and
 * not asked again for the same context until the cache is cleared, so a missing file does
 * not raise an error on every keystroke.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface SchedulerOptions {
  debounceMs: number;
  timeoutMs: number;
  cacheSize: number;
  /**
   * Called with a failed request's error (not with cancellations or time-outs). Return true
   * when asking again cannot help (the request was refused): the context then gets no more
   * requests until `clear()`.
   */
  onError?: (error: unknown, key: CompletionKey<unknown>) => boolean;
}

export interface CompletionKey<T = undefined> {
  prefix: string;
  suffix: string;
  /** Anything else the answer depends on: the steering set, the results' identity, the model. */
  context: string;
  /** What the fetch needs to ask (not part of the key: `context` must already cover it). */
  payload?: T;
}

export type Fetch<T = undefined> = (key: CompletionKey<T>, signal: AbortSignal) => Promise<string>;

/** What a cancellation token looks like to the scheduler (VS Code's has this shape). */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class CompletionScheduler<T = undefined> {
  private readonly cache = new Map<string, string>();
  private readonly refused = new Set<string>();
  private inFlight?: AbortController;
  requests = 0;

  constructor(
    private readonly fetch: Fetch<T>,
    private readonly options: SchedulerOptions,
    private readonly clock: Clock = realClock,
  ) {}

  /**
   * The completion for `key`, or undefined when cancelled, timed out or failed. A newer
   * call aborts the older one's model request.
   */
  async complete(key: CompletionKey<T>, token: Cancellation): Promise<string | undefined> {
    const id = cacheKey(key);
    const hit = this.cache.get(id);
    if (hit !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, hit); // most recently used last
      return hit;
    }
    if (this.refused.has(key.context)) return undefined;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      await this.sleep(this.options.debounceMs, controller.signal);
      if (token.isCancellationRequested || controller.signal.aborted) return undefined;
      this.requests++;
      const timer = this.clock.setTimeout(() => controller.abort(), this.options.timeoutMs);
      try {
        const text = await this.fetch(key, controller.signal);
        if (controller.signal.aborted || token.isCancellationRequested) return undefined;
        this.remember(id, text);
        return text;
      } finally {
        this.clock.clearTimeout(timer);
      }
    } catch (error) {
      if (!controller.signal.aborted && !token.isCancellationRequested && this.options.onError?.(error, key)) this.refused.add(key.context);
      return undefined;
    } finally {
      sub.dispose();
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  /** Forgets every answer and every refusal (the steering, the results or the settings changed). */
  clear(): void {
    this.cache.clear();
    this.refused.clear();
  }

  private remember(id: string, text: string): void {
    this.cache.set(id, text);
    while (this.cache.size > this.options.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const h = this.clock.setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        this.clock.clearTimeout(h);
        resolve();
      }, { once: true });
    });
  }
}

function cacheKey(k: CompletionKey<unknown>): string {
  return JSON.stringify([k.context, k.prefix, k.suffix]);
}
