export interface LagReport {
  /** Longest delay of a timer beyond its due time, in ms. */
  maxLagMs: number;
  /** When the longest delay ended, in ms from the start: tells a stall at the start of a request from one at its end. */
  maxAtMs: number;
  meanLagMs: number;
  samples: number;
  /** What was running while it was measured, if known. */
  label?: string;
  durationMs: number;
}

export interface LagMonitorOptions {
  intervalMs?: number;
  now?: () => number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/**
 * Measures how late a repeating timer fires in the extension host while a long request
 * runs: the extension must stay responsive while the analysis process works, and this is
 * the number that shows it (read by the e2e tests through languageNeurons.debug.eventLoopLag).
 * vscode-free; clock and timers are injectable for tests.
 */
export class EventLoopLagMonitor {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private handle: unknown;
  private label: string | undefined;
  private started = 0;
  private last = 0;
  private max = 0;
  private maxAt = 0;
  private sum = 0;
  private count = 0;
  private previous: LagReport | undefined;

  constructor(options: LagMonitorOptions = {}) {
    this.intervalMs = options.intervalMs ?? 25;
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setInterval ?? ((cb, ms) => setInterval(cb, ms).unref());
    this.clearTimer = options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** The report of the last finished measurement. */
  get lastReport(): LagReport | undefined {
    return this.previous;
  }

  start(label?: string): void {
    if (this.running) return;
    this.label = label;
    this.started = this.last = this.now();
    this.max = this.maxAt = this.sum = this.count = 0;
    this.handle = this.setTimer(() => this.tick(), this.intervalMs);
  }

  /** The measurement so far, without stopping it. */
  current(): LagReport | undefined {
    if (!this.running) return undefined;
    return this.report();
  }

  stop(): LagReport | undefined {
    if (!this.running) return undefined;
    this.clearTimer(this.handle);
    this.handle = undefined;
    this.previous = this.report();
    return this.previous;
  }

  private tick(): void {
    const now = this.now();
    const lag = Math.max(0, now - this.last - this.intervalMs);
    this.last = now;
    if (lag > this.max) {
      this.max = lag;
      this.maxAt = now - this.started;
    }
    this.sum += lag;
    this.count++;
  }

  private report(): LagReport {
    return {
      maxLagMs: this.max,
      maxAtMs: this.maxAt,
      meanLagMs: this.count > 0 ? this.sum / this.count : 0,
      samples: this.count,
      label: this.label,
      durationMs: this.now() - this.started,
    };
  }
}
