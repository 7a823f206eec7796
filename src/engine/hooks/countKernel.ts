import type { Activation } from '../architectures.ts';

/**
 * Adds one batch of pre-activations to the per-neuron counters of one layer.
 * `pre` holds `nTokens` rows of `rowStride` floats; the layer's neurons are the
 * `nFf` floats starting at `offset` in each row (phi3 keeps gate and up in one row).
 * This loop is the hot path of detection: it runs over n_ff x n_tokens floats per layer.
 */
export function accumulateJs(
  pre: Float32Array,
  nTokens: number,
  rowStride: number,
  offset: number,
  nFf: number,
  overZero: Float64Array,
  sumAct: Float64Array,
  base: number,
  activation: Activation,
): void {
  if (activation === 'silu') {
    for (let t = 0; t < nTokens; t++) {
      const row = t * rowStride + offset;
      for (let j = 0; j < nFf; j++) {
        const x = pre[row + j];
        overZero[base + j] += x > 0 ? 1 : 0;
        sumAct[base + j] += x / (1 + Math.exp(-x));
      }
    }
    return;
  }
  const k = Math.sqrt(2 / Math.PI);
  for (let t = 0; t < nTokens; t++) {
    const row = t * rowStride + offset;
    for (let j = 0; j < nFf; j++) {
      const x = pre[row + j];
      overZero[base + j] += x > 0 ? 1 : 0;
      sumAct[base + j] += 0.5 * x * (1 + Math.tanh(k * x * (1 + 0.044715 * x * x)));
    }
  }
}
