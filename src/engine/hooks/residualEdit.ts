import { EngineError } from '../errors.ts';

/**
 * A vector added to the residual stream after block `layer` (llama.cpp's `l_out-<il>`), at
 * every position: what a llama.cpp control vector does for that layer.
 */
export interface ResidualEdit {
  layer: number;
  /** n_embd values. */
  vector: ArrayLike<number>;
}

/** Checked against the model's shape; edits of one layer are summed, as llama.cpp sums control vectors. */
export function compileResidualEdits(edits: readonly ResidualEdit[], nLayer: number, nEmbd: number): Map<number, Float32Array> {
  const byLayer = new Map<number, Float32Array>();
  for (const e of edits) {
    if (!Number.isInteger(e.layer) || e.layer < 0 || e.layer >= nLayer) {
      throw new EngineError('neuron-out-of-range', `Residual edit of layer ${e.layer} is out of range: the model has layers 0 to ${nLayer - 1}.`);
    }
    if (e.vector.length !== nEmbd) {
      throw new EngineError('bad-argument', `Residual edit of layer ${e.layer} has ${e.vector.length} values; the model's n_embd is ${nEmbd}.`);
    }
    const v = byLayer.get(e.layer) ?? new Float32Array(nEmbd);
    for (let i = 0; i < nEmbd; i++) v[i] += e.vector[i];
    if (!v.every(Number.isFinite)) throw new EngineError('bad-argument', `Residual edit of layer ${e.layer} has a value that is not a finite number.`);
    byLayer.set(e.layer, v);
  }
  return byLayer;
}
