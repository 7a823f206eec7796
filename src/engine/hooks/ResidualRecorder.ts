import { EngineError } from '../errors.ts';

/**
 * The residual stream after each block (llama.cpp's `l_out-<il>`), summed over tokens, for
 * one language at a time: what a DiffMean direction is made of. Memory is
 * O(layers x n_embd), never O(tokens).
 */
export class ResidualRecorder {
  /** [layer][n_embd] sums, flattened. */
  readonly sum: Float64Array;
  /** Rows seen by each layer. The last layer only computes the rows that have outputs. */
  readonly tokensPerLayer: Float64Array;

  constructor(
    readonly nLayer: number,
    readonly nEmbd: number,
  ) {
    if (!(nLayer > 0 && nEmbd > 0)) throw new EngineError('bad-argument', `Residual recorder needs positive sizes, got ${nLayer} x ${nEmbd}.`);
    this.sum = new Float64Array(nLayer * nEmbd);
    this.tokensPerLayer = new Float64Array(nLayer);
  }

  reset(): void {
    this.sum.fill(0);
    this.tokensPerLayer.fill(0);
  }

  /** The mean residual vector after `layer`, or an error when that layer saw no token. */
  mean(layer: number): Float32Array {
    const n = this.tokensPerLayer[layer];
    if (!(n > 0)) throw new EngineError('bad-argument', `Layer ${layer} saw no token: evaluate with outputs 'all' so that every layer computes every row.`);
    const out = new Float32Array(this.nEmbd);
    const base = layer * this.nEmbd;
    for (let i = 0; i < this.nEmbd; i++) out[i] = this.sum[base + i] / n;
    return out;
  }

  /** Adds rows of the `l_out` tensor of `layer` (nRows x nEmbd, row-major). */
  accumulate(layer: number, data: Float32Array, nRows: number): void {
    const E = this.nEmbd;
    const base = layer * E;
    for (let t = 0; t < nRows; t++) {
      const row = t * E;
      for (let i = 0; i < E; i++) this.sum[base + i] += data[row + i];
    }
    this.tokensPerLayer[layer] += nRows;
  }
}
