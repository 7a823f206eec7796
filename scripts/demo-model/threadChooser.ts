// Picks the faster CPU thread count as training goes. On an idle 2-core machine 2 threads are
// ~1.9x faster than 1; when other processes share the cores, ggml's threads spin in
// ggml_barrier waiting for each other and 2 threads were measured 9x slower than 1. The
// trained weights do not depend on the choice (checked bit for bit), only the wall time.

const PROBE_EVERY = 12;

export class ThreadChooser {
  private readonly msPerStep = new Map<number, number>();
  private chunks = 0;

  constructor(private readonly candidates: readonly number[]) {}

  /** The thread count for the next chunk of steps. */
  next(): number {
    this.chunks++;
    const unmeasured = this.candidates.find((t) => !this.msPerStep.has(t));
    if (unmeasured !== undefined) return unmeasured;
    const best = [...this.msPerStep].sort((a, b) => a[1] - b[1])[0][0];
    // Now and then re-measure the other choice: the load on the machine changes.
    if (this.chunks % PROBE_EVERY === 0) return this.candidates.find((t) => t !== best) ?? best;
    return best;
  }

  record(threads: number, ms: number, steps: number): void {
    const now = ms / steps;
    const before = this.msPerStep.get(threads);
    this.msPerStep.set(threads, before === undefined ? now : 0.5 * before + 0.5 * now);
  }
}
