import { EngineError } from '../errors.ts';

/**
 * Per-neuron activation statistics accumulated over forward passes, for one language
 * at a time: how many tokens had act_fn(pre) > 0, and the sum of act_fn(pre), so that
 * means are known. Memory is O(layers x n_ff), never O(tokens).
 */
export class ActivationRecorder {
  readonly overZero: Float64Array;
  readonly sumAct: Float64Array;
  /** Tokens seen by each layer. With outputs at every position all layers see the same. */
  readonly tokensPerLayer: Float64Array;

  constructor(
    readonly nLayer: number,
    readonly nFf: number,
  ) {
    if (!(nLayer > 0 && nFf > 0)) throw new EngineError('bad-argument', `Recorder needs positive sizes, got ${nLayer} x ${nFf}.`);
    this.overZero = new Float64Array(nLayer * nFf);
    this.sumAct = new Float64Array(nLayer * nFf);
    this.tokensPerLayer = new Float64Array(nLayer);
  }

  /** Tokens counted: those of layer 0, which every position reaches. */
  get tokens(): number {
    return this.tokensPerLayer[0];
  }

  reset(): void {
    this.overZero.fill(0);
    this.sumAct.fill(0);
    this.tokensPerLayer.fill(0);
  }

  meanActivation(layer: number, neuron: number): number {
    const n = this.tokensPerLayer[layer];
    return n > 0 ? this.sumAct[layer * this.nFf + neuron] / n : 0;
  }
}
