import { createHash } from 'node:crypto';
import type { Hooks } from './HookDispatcher.ts';

/**
 * A digest of what `hooks` change in the forward pass: their neuron and residual edits.
 * Two decodes whose keys are equal compute the same keys and values for the same tokens,
 * so a KV cache filled under one can be reused under the other. Recorders only observe,
 * so they are left out. '' stands for "no edits".
 *
 * The digest is of the contents, not of the objects: the pipeline builds new edit arrays
 * for every request, and equal steering must still find its cache.
 */
export function hooksKey(hooks: Hooks | undefined): string {
  const edits = hooks?.edits ?? [];
  const residual = hooks?.residualEdits ?? [];
  if (edits.length === 0 && residual.length === 0) return '';
  const h = createHash('sha256');
  // Every field is preceded by a tag and its length, so that no two different edit lists
  // write the same byte stream.
  const numbers = (tag: string, xs: ArrayLike<number>) => {
    h.update(`${tag}${xs.length}:`);
    h.update(new Uint8Array(Float64Array.from(xs).buffer));
  };
  for (const e of edits) {
    h.update(`e${e.layer}:${e.mode}:`);
    numbers('n', e.neurons);
    if (e.value === undefined) h.update('u');
    else numbers('v', typeof e.value === 'number' ? [e.value] : e.value);
  }
  for (const r of residual) {
    h.update(`r${r.layer}:`);
    numbers('x', r.vector);
  }
  return h.digest('hex');
}
