import type { CompiledEdit } from './neuronEdit.ts';

/**
 * The edited neurons of one layer as runs of adjacent columns of the [n_tokens][n_ff] FFN
 * tensors, packed side by side into a small host buffer of `width` columns per row. Edits then
 * move only these columns between the backend and the host (ggml_backend_tensor_get_2d and
 * _set_2d, one call per run for all rows) instead of the whole tensor, twice per edited layer.
 */
export interface ColumnPlan {
  /** Column `start` .. start + width of the tensor is packed column `at` .. at + width. */
  readonly runs: readonly { start: number; width: number; at: number }[];
  /** Packed columns per row: the number of distinct edited neurons. */
  readonly width: number;
  /** For each edit of the layer, in order, the packed column of each of its neurons. */
  readonly cols: readonly Int32Array[];
}

export function planColumns(edits: readonly CompiledEdit[]): ColumnPlan {
  const distinct = [...new Set(edits.flatMap((e) => Array.from(e.neurons)))].sort((a, b) => a - b);
  const packedOf = new Map<number, number>();
  const runs: { start: number; width: number; at: number }[] = [];
  distinct.forEach((j, at) => {
    packedOf.set(j, at);
    const last = runs[runs.length - 1];
    if (last && last.start + last.width === j) last.width++;
    else runs.push({ start: j, width: 1, at });
  });
  const cols = edits.map((e) => Int32Array.from(e.neurons, (j) => packedOf.get(j)!));
  return { runs, width: distinct.length, cols };
}
