/** log softmax(logits[row])[token], computed stably in float64. */
export function logSoftmaxAt(logits: Float32Array, row: number, nVocab: number, token: number): number {
  const base = row * nVocab;
  let max = -Infinity;
  for (let v = 0; v < nVocab; v++) if (logits[base + v] > max) max = logits[base + v];
  let sum = 0;
  for (let v = 0; v < nVocab; v++) sum += Math.exp(logits[base + v] - max);
  return logits[base + token] - max - Math.log(sum);
}

/** Log-probabilities of a whole row. */
export function logSoftmax(logits: Float32Array, row: number, nVocab: number): Float64Array {
  const base = row * nVocab;
  let max = -Infinity;
  for (let v = 0; v < nVocab; v++) if (logits[base + v] > max) max = logits[base + v];
  let sum = 0;
  for (let v = 0; v < nVocab; v++) sum += Math.exp(logits[base + v] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(nVocab);
  for (let v = 0; v < nVocab; v++) out[v] = logits[base + v] - lse;
  return out;
}
