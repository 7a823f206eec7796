/**
 * The timing logic of ghost-text completions, free of VS Code so that it can be tested
 * with a fake clock (ggml-org/llama.vscode's habits): wait for typing to pause, answer
 * from a cache keyed by prefix and suffix, abort the model request as soon as the user
 * types again, and give up after a time cap instead of ever blocking the editor.
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
}

export interface CompletionKey {
  prefix: string;
  suffix: string;
  /** Anything else the answer depends on: the steering set, the model. */
  context: string;
}

export type Fetch = (key: CompletionKey, signal: AbortSignal) => Promise<string>;

/** What a cancellation token looks like to the scheduler (VS Code's has this shape). */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class CompletionScheduler {
  private readonly cache = new Map<string, string>();
  private inFlight?: AbortController;
  requests = 0;

  constructor(
    private readonly fetch: Fetch,
    private readonly options: SchedulerOptions,
    private readonly clock: Clock = realClock,
  ) {}

  /**
   * The completion for `key`, or undefined when cancelled, timed out or failed. A newer
   * call aborts the older one's model request.
   */
  async complete(key: CompletionKey, token: Cancellation): Promise<string | undefined> {
    const id = cacheKey(key);
    const hit = this.cache.get(id);
    if (hit !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, hit); // most recently used last
      return hit;
    }
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
    } catch {
      return undefined;
    } finally {
      sub.dispose();
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  clear(): void {
    this.cache.clear();
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

function cacheKey(k: CompletionKey): string {
  return JSON.stringify([k.context, k.prefix, k.suffix]);
}
