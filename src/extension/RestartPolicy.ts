export interface RestartPolicyOptions {
  /** Crashes within `windowMs` after which the client stops restarting. */
  maxCrashes?: number;
  windowMs?: number;
  /** Injectable clock, for tests. */
  now?: () => number;
}

/**
 * Decides whether a crashed analysis process is restarted: yes, unless it crashed
 * `maxCrashes` times within `windowMs` (a model that aborts llama.cpp on load would
 * otherwise crash-loop). Pure and vscode-free.
 */
export class RestartPolicy {
  readonly maxCrashes: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private crashes: number[] = [];

  constructor(options: RestartPolicyOptions = {}) {
    this.maxCrashes = options.maxCrashes ?? 3;
    this.windowMs = options.windowMs ?? 3 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Records a crash; true when the process should be started again. */
  recordCrash(): boolean {
    const now = this.now();
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length < this.maxCrashes;
  }

  /** Crashes that still count. */
  get recentCrashes(): number {
    const now = this.now();
    return this.crashes.filter((t) => now - t < this.windowMs).length;
  }

  /** After a restart the user asked for, earlier crashes no longer count. */
  reset(): void {
    this.crashes = [];
  }
}
