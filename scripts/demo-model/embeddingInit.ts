// Token embeddings from co-occurrence statistics (PPMI + truncated SVD, as in classical
// count-based word vectors), computed from the training text only.
//
// Why: llama.cpp's llama_opt_init does not train token_embd (a FIXME in llama-context.cpp), so
// unless the recipe sets trainTokenEmbedding (OptTrainer then marks the tensor itself),
// whatever it holds at the start is what the model reads for ever. Random vectors make every
// token an unrelated code, and a token seen a few times in 20k tokens of training text stays
// meaningless. Vectors in which tokens used in the same contexts are close give the frozen
// layer what training would have given it, for the price of a few seconds.
import { SeededRandom } from '../../src/gguf/seededRandom.ts';

export interface EmbeddingInitOptions {
  nVocab: number;
  /** Embedding width. */
  dim: number;
  /** Co-occurrence components kept (the first `rank` dimensions); default dim. */
  rank?: number;
  /** Co-occurrence window on each side; weight 1/distance. Default 4. */
  window?: number;
  /** Share of each vector's energy that stays random, so that no two tokens coincide. Default 0.25. */
  noise?: number;
  seed: number;
}

/** Returns token_embd in ggml order: nVocab rows of dim values, each with RMS 1. */
export function cooccurrenceEmbeddings(streams: readonly Int32Array[], o: EmbeddingInitOptions): Float32Array {
  const { nVocab: V, dim } = o;
  const rank = Math.min(dim, o.rank ?? dim);
  const window = o.window ?? 4;
  const rng = new SeededRandom(o.seed);
  const counts = new Map<number, number>();
  for (const s of streams) {
    for (let i = 0; i < s.length; i++) {
      for (let d = 1; d <= window && i + d < s.length; d++) {
        const a = s[i];
        const b = s[i + d];
        counts.set(a * V + b, (counts.get(a * V + b) ?? 0) + 1 / d);
        counts.set(b * V + a, (counts.get(b * V + a) ?? 0) + 1 / d);
      }
    }
  }
  const row = new Float64Array(V);
  let total = 0;
  for (const [k, c] of counts) {
    row[Math.floor(k / V)] += c;
    total += c;
  }
  // PPMI as a sparse symmetric matrix in coordinate form.
  const ri: number[] = [];
  const ci: number[] = [];
  const vals: number[] = [];
  for (const [k, c] of counts) {
    const i = Math.floor(k / V);
    const j = k % V;
    const pmi = Math.log((c * total) / (row[i] * row[j]));
    if (pmi > 0) { ri.push(i); ci.push(j); vals.push(pmi); }
  }
  const mul = (x: Float64Array, k: number): Float64Array => {
    const y = new Float64Array(V * k);
    for (let n = 0; n < vals.length; n++) {
      const yo = ri[n] * k;
      const xo = ci[n] * k;
      const v = vals[n];
      for (let c = 0; c < k; c++) y[yo + c] += v * x[xo + c];
    }
    return y;
  };
  // Randomized subspace iteration for the top eigenvectors of the symmetric PPMI matrix.
  const k = Math.min(V, rank + 8);
  let q: Float64Array = new Float64Array(V * k);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormalize(q, V, k);
  for (let it = 0; it < 4; it++) {
    q = mul(q, k);
    orthonormalize(q, V, k);
  }
  const mq = mul(q, k);
  const b = new Float64Array(k * k);
  for (let r = 0; r < V; r++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) b[i * k + j] += q[r * k + i] * mq[r * k + j];
  const { values, vectors } = jacobiEigen(b, k);
  const order = [...values.keys()].sort((x, y) => Math.abs(values[y]) - Math.abs(values[x])).slice(0, rank);

  const out = new Float32Array(V * dim);
  const noise = o.noise ?? 0.25;
  for (let t = 0; t < V; t++) {
    const v = new Float64Array(dim); // dimensions past `rank` carry only the random part
    if (row[t] > 0) {
      order.forEach((e, c) => {
        let s = 0;
        for (let i = 0; i < k; i++) s += q[t * k + i] * vectors[i * k + e];
        v[c] = s * Math.sqrt(Math.abs(values[e]));
      });
    }
    const rms = Math.sqrt(v.reduce((a, x) => a + x * x, 0) / dim);
    const keep = rms > 0 ? Math.sqrt(1 - noise) / rms : 0;
    const rand = rms > 0 ? Math.sqrt(noise) : 1;
    for (let c = 0; c < dim; c++) out[t * dim + c] = v[c] * keep + rand * rng.normal();
  }
  return out;
}

/** Modified Gram-Schmidt on the k columns of a rows x k row-major matrix. */
function orthonormalize(m: Float64Array, rows: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * k + c] * m[r * k + p];
      for (let r = 0; r < rows; r++) m[r * k + c] -= dot * m[r * k + p];
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * k + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < rows; r++) m[r * k + c] /= norm;
  }
}

/** Eigen-decomposition of a symmetric k x k matrix by cyclic Jacobi rotations. */
function jacobiEigen(input: Float64Array, k: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) off += a[i * k + j] ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < k; p++) {
      for (let r = p + 1; r < k; r++) {
        const apr = a[p * k + r];
        if (Math.abs(apr) < 1e-300) continue;
        const theta = (a[r * k + r] - a[p * k + p]) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let i = 0; i < k; i++) {
          const aip = a[i * k + p];
          const air = a[i * k + r];
          a[i * k + p] = c * aip - s * air;
          a[i * k + r] = s * aip + c * air;
        }
        for (let i = 0; i < k; i++) {
          const api = a[p * k + i];
          const ari = a[r * k + i];
          a[p * k + i] = c * api - s * ari;
          a[r * k + i] = s * api + c * ari;
        }
        for (let i = 0; i < k; i++) {
          const vip = v[i * k + p];
          const vir = v[i * k + r];
          v[i * k + p] = c * vip - s * vir;
          v[i * k + r] = s * vip + c * vir;
        }
      }
    }
  }
  return { values: Array.from({ length: k }, (_, i) => a[i * k + i]), vectors: v };
}
