import { EngineError } from '../errors.ts';

/**
 * How an edit changes act_fn(gate) of the chosen neurons, before the product with up:
 * - zero: deactivate, as the reference code does;
 * - set: replace by `value` (e.g. the language's mean activation);
 * - scale: multiply by `value` (amplify above 1);
 * - add: add `value`.
 */
export type EditMode = 'zero' | 'set' | 'scale' | 'add';

export interface NeuronEdit {
  layer: number;
  neurons: ArrayLike<number>;
  mode: EditMode;
  /** One value for all neurons, or one per neuron (same order as `neurons`). Unused by `zero`. */
  value?: number | ArrayLike<number>;
}

/** An edit checked against the model's shape, with per-neuron values resolved. */
export interface CompiledEdit {
  neurons: Int32Array;
  mode: EditMode;
  values: Float32Array;
}

export function compileEdits(edits: readonly NeuronEdit[], nLayer: number, nFf: number): Map<number, CompiledEdit[]> {
  const byLayer = new Map<number, CompiledEdit[]>();
  for (const e of edits) {
    if (!Number.isInteger(e.layer) || e.layer < 0 || e.layer >= nLayer) {
      throw new EngineError('neuron-out-of-range', `Layer ${e.layer} is out of range: the model has layers 0 to ${nLayer - 1}.`);
    }
    // Check before converting: Int32Array.from would turn 1.5 into 1, NaN into 0 and 2^32 + 3
    // into 3, silently editing a neuron nobody asked for.
    for (let i = 0; i < e.neurons.length; i++) {
      const j = e.neurons[i];
      if (!Number.isInteger(j) || j < 0 || j >= nFf) {
        throw new EngineError('neuron-out-of-range', `Neuron ${j} of layer ${e.layer} is out of range: the layer has neurons 0 to ${nFf - 1}.`);
      }
    }
    const neurons = Int32Array.from(e.neurons);
    const values = new Float32Array(neurons.length);
    if (e.mode !== 'zero') {
      if (e.value === undefined) throw new EngineError('bad-argument', `A "${e.mode}" edit needs a value.`);
      if (typeof e.value === 'number') values.fill(e.value);
      else {
        if (e.value.length !== neurons.length) {
          throw new EngineError('bad-argument', `Edit of layer ${e.layer} has ${neurons.length} neurons but ${e.value.length} values.`);
        }
        values.set(Array.from(e.value));
      }
      if (!values.every(Number.isFinite)) throw new EngineError('bad-argument', `Edit of layer ${e.layer} has a value that is not a finite number.`);
    }
    if (neurons.length === 0) continue;
    const list = byLayer.get(e.layer) ?? [];
    list.push({ neurons, mode: e.mode, values });
    byLayer.set(e.layer, list);
  }
  return byLayer;
}
