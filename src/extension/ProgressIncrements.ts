import type { PipelineProgress } from '../protocol/analysisProtocol.ts';

export type PhaseWeights = Partial<Record<PipelineProgress['phase'], number>>;

/** Each phase alone fills the bar; a request with several phases passes its own shares. */
export const DEFAULT_PHASE_WEIGHTS: PhaseWeights = { load: 100, detect: 100, perplexity: 100, generate: 100 };

/**
 * Turns progress reports into the percentage increments `withProgress` wants. The bar only
 * moves forward, so each phase gets a share of it (e.g. detect 70, perplexity 30); phases
 * without a share, such as loading the model before a detection, leave it alone.
 */
export class ProgressIncrements {
  private reached = 0;
  private readonly fractions = new Map<string, number>();

  constructor(private readonly weights: PhaseWeights = DEFAULT_PHASE_WEIGHTS) {}

  next(p: PipelineProgress): number | undefined {
    const weight = this.weights[p.phase];
    if (weight === undefined || p.done === undefined || p.total === undefined || p.total <= 0) return undefined;
    this.fractions.set(p.phase, Math.max(this.fractions.get(p.phase) ?? 0, Math.min(1, p.done / p.total)));
    let percent = 0;
    for (const [phase, fraction] of this.fractions) percent += (this.weights[phase as PipelineProgress['phase']] ?? 0) * fraction;
    percent = Math.min(100, percent);
    if (percent <= this.reached) return undefined;
    const increment = percent - this.reached;
    this.reached = percent;
    return increment;
  }
}
