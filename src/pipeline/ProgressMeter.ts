import type { PipelinePhase, PipelineProgress } from '../protocol/pipelineTypes.ts';

/** Turns "n more tokens done" into progress reports with tokens/s and an ETA. */
export class ProgressMeter {
  private done = 0;
  private counted = 0;
  private readonly started = performance.now();
  private lastReport = 0;

  constructor(
    private readonly phase: PipelinePhase,
    private total: number,
    private readonly onProgress?: (p: PipelineProgress) => void,
  ) {}

  /** Work that needs no computing (resumed, or a budget the corpus could not fill). */
  skip(units: number, message: string): void {
    this.done += units;
    this.emit(message, undefined, true);
  }

  add(units: number, language?: string, uncounted = false): void {
    this.done += units;
    if (!uncounted) this.counted += units;
    this.emit(`${language ?? ''}`.trim(), language, uncounted);
  }

  note(message: string, language?: string): void {
    this.emit(message, language, true);
  }

  private emit(message: string, language: string | undefined, force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastReport < 250) return;
    this.lastReport = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.counted / seconds : 0;
    const left = Math.max(0, this.total - this.done);
    this.onProgress?.({
      phase: this.phase,
      message: message || `${this.phase} ${this.done}/${this.total}`,
      language,
      done: this.done,
      total: this.total,
      tokensPerSecond: rate,
      etaSeconds: rate > 0 ? left / rate : undefined,
    });
  }
}
