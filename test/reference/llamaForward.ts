// A plain TypeScript forward pass over synthetic weights, written from the graphs in the
// bundled llama.cpp (src/models/llama.cpp, qwen2.cpp, qwen3.cpp, gemma.cpp, gemma3.cpp). It is the
// independent oracle that engine tests compare llama.cpp's activations and edits against.
// Arithmetic is in float64; llama.cpp's is float32, so logits agree to about 1e-5.
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/gguf/float16.ts';
import { isSlidingLayer } from '../../src/gguf/syntheticArch.ts';
import type { SyntheticWeights } from '../../src/gguf/syntheticWeights.ts';

export interface ReferenceForwardOptions {
  /**
   * Called once per layer and position with act = act_fn(gate) (length nFf) and up, before
   * act * up goes into ffn_down: the point where the LAPE reference code edits neurons. Change
   * `act` in place.
   */
  edit?: (layer: number, act: Float32Array, up: Float32Array, token: number) => void;
  /**
   * Called once per layer and position with the block's output (the residual stream that
   * llama.cpp names `l_out-<layer>`), before the next block reads it. Change `x` in place.
   */
  residual?: (layer: number, x: Float64Array, token: number) => void;
}

export interface ReferenceForwardResult {
  /** Per position, nVocab raw logits. */
  logits: Float32Array[];
  /** [layer][position]: the gate pre-activation W_gate · ffn_norm(x), length nFf. */
  gatePre: Float32Array[][];
}

export const REFERENCE_ARCHS = ['llama', 'qwen2', 'qwen3', 'gemma', 'gemma3'] as const;

export function referenceForward(weights: SyntheticWeights, tokens: number[], options: ReferenceForwardOptions = {}): ReferenceForwardResult {
  const h = weights.hparams;
  if (!(REFERENCE_ARCHS as readonly string[]).includes(h.arch)) {
    throw new Error(`referenceForward supports ${REFERENCE_ARCHS.join(', ')}, not ${h.arch}`);
  }
  const W = (name: string): Float32Array => {
    const t = weights.tensors.get(name);
    if (!t) throw new Error(`missing tensor ${name}`);
    return t.data;
  };
  const opt = (name: string): Float32Array | undefined => weights.tensors.get(name)?.data;
  const { nEmbd: E, nFf: F, nHead, nHeadKv, headDim: D, nVocab: V } = h;
  const T = tokens.length;
  // Both Gemmas scale the input embedding by sqrt(nEmbd) and use GEGLU; gemma3 adds the rest.
  const gemma = h.arch === 'gemma' || h.arch === 'gemma3';
  const gemma3 = h.arch === 'gemma3';
  const neox = h.arch !== 'llama'; // llama_model_rope_type: LLAMA_ROPE_TYPE_NORM only for llama here

  const embd = W('token_embd.weight');
  const x: Float64Array[] = tokens.map((tok) => {
    if (!Number.isInteger(tok) || tok < 0 || tok >= V) throw new Error(`token ${tok} is outside the vocabulary`);
    const row = Float64Array.from(embd.subarray(tok * E, (tok + 1) * E));
    if (gemma) for (let i = 0; i < E; i++) row[i] *= Math.fround(Math.sqrt(E));
    return row;
  });

  const gatePre: Float32Array[][] = [];
  for (let il = 0; il < h.nLayer; il++) {
    const p = `blk.${il}.`;
    // gemma3's sliding-window layers have their own RoPE base and see only the last `window` keys.
    const sliding = isSlidingLayer(h, il);
    const ropeBase = sliding ? h.swa!.ropeFreqBase : h.ropeFreqBase;
    const window = sliding ? h.swa!.window : Infinity;
    const keys: Float64Array[] = [];
    const values: Float64Array[] = [];
    const queries: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const a = rmsNorm(x[t], W(p + 'attn_norm.weight'), h.normEps);
      const q = matVec(W(p + 'attn_q.weight'), a, nHead * D, opt(p + 'attn_q.bias'));
      const k = matVec(W(p + 'attn_k.weight'), a, nHeadKv * D, opt(p + 'attn_k.bias'));
      const v = matVec(W(p + 'attn_v.weight'), a, nHeadKv * D, opt(p + 'attn_v.bias'));
      const qNorm = opt(p + 'attn_q_norm.weight');
      const kNorm = opt(p + 'attn_k_norm.weight');
      for (let hh = 0; hh < nHead; hh++) {
        if (qNorm) headRmsNorm(q, hh * D, D, qNorm, h.normEps);
        rope(q, hh * D, D, t, ropeBase, neox);
      }
      for (let hh = 0; hh < nHeadKv; hh++) {
        if (kNorm) headRmsNorm(k, hh * D, D, kNorm, h.normEps);
        rope(k, hh * D, D, t, ropeBase, neox);
      }
      queries.push(q);
      keys.push(k);
      values.push(v);
    }
    const layerGate: Float32Array[] = [];
    for (let t = 0; t < T; t++) {
      // gemma3 scales Q by 1/sqrt(key_length) itself and attends with scale 1: the same product.
      const attn = attention(queries[t], keys, values, t, window, nHead, nHeadKv, D);
      let o = matVec(W(p + 'attn_output.weight'), attn, E);
      if (gemma3) o = rmsNorm(o, W(p + 'post_attention_norm.weight'), h.normEps);
      for (let i = 0; i < E; i++) x[t][i] += o[i];

      const f = rmsNorm(x[t], W(p + 'ffn_norm.weight'), h.normEps);
      const g = matVec(W(p + 'ffn_gate.weight'), f, F);
      const up = Float32Array.from(matVec(W(p + 'ffn_up.weight'), f, F));
      layerGate.push(Float32Array.from(g));
      const act = new Float32Array(F);
      for (let j = 0; j < F; j++) act[j] = gemma ? ggmlGelu(g[j]) : silu(g[j]);
      options.edit?.(il, act, up, t);
      const m = new Float64Array(F);
      for (let j = 0; j < F; j++) m[j] = act[j] * up[j];
      let down = matVec(W(p + 'ffn_down.weight'), m, E);
      if (gemma3) down = rmsNorm(down, W(p + 'post_ffw_norm.weight'), h.normEps);
      for (let i = 0; i < E; i++) x[t][i] += down[i];
      options.residual?.(il, x[t], t);
    }
    gatePre.push(layerGate);
  }

  const out = opt('output.weight') ?? embd;
  const logits = x.map((xt) => Float32Array.from(matVec(out, rmsNorm(xt, W('output_norm.weight'), h.normEps), V)));
  return { logits, gatePre };
}

/** y = W x (+ b) for a ggml [in, out] matrix: `out` rows of `in` values. */
function matVec(w: Float32Array, x: ArrayLike<number>, out: number, bias?: Float32Array): Float64Array {
  const n = x.length;
  if (w.length !== n * out) throw new Error(`matrix has ${w.length} values, expected ${n} x ${out}`);
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = bias ? bias[o] : 0;
    const base = o * n;
    for (let i = 0; i < n; i++) s += w[base + i] * x[i];
    y[o] = s;
  }
  return y;
}

function rmsNorm(x: Float64Array, weight: Float32Array, eps: number): Float64Array {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * scale * weight[i];
  return y;
}

function headRmsNorm(v: Float64Array, off: number, d: number, weight: Float32Array, eps: number): void {
  const normed = rmsNorm(v.subarray(off, off + d), weight, eps);
  v.set(normed, off);
}

/** ggml_rope_ext without scaling: theta_i = pos * base^(-2i/d). */
function rope(v: Float64Array, off: number, d: number, pos: number, base: number, neox: boolean): void {
  const half = d / 2;
  for (let i = 0; i < half; i++) {
    const theta = pos * Math.pow(base, (-2 * i) / d);
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    // NORM rotates (2i, 2i+1); NEOX rotates (i, i + d/2).
    const a = off + (neox ? i : 2 * i);
    const b = off + (neox ? i + half : 2 * i + 1);
    const x0 = v[a];
    const x1 = v[b];
    v[a] = x0 * c - x1 * s;
    v[b] = x0 * s + x1 * c;
  }
}

/** Causal attention of position t over keys t - window + 1 .. t (all earlier ones for Infinity). */
function attention(q: Float64Array, keys: Float64Array[], values: Float64Array[], t: number, window: number, nHead: number, nHeadKv: number, d: number): Float64Array {
  const out = new Float64Array(nHead * d);
  const group = nHead / nHeadKv; // ggml_mul_mat broadcasts query head h onto kv head floor(h / group)
  const scale = 1 / Math.sqrt(d);
  const scores = new Float64Array(t + 1);
  const first = Math.max(0, t - window + 1);
  for (let hh = 0; hh < nHead; hh++) {
    const kvOff = Math.floor(hh / group) * d;
    const qOff = hh * d;
    let max = -Infinity;
    for (let j = first; j <= t; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += q[qOff + i] * keys[j][kvOff + i];
      scores[j] = s * scale;
      if (scores[j] > max) max = scores[j];
    }
    let sum = 0;
    for (let j = first; j <= t; j++) {
      scores[j] = Math.exp(scores[j] - max);
      sum += scores[j];
    }
    for (let j = first; j <= t; j++) {
      const a = scores[j] / sum;
      for (let i = 0; i < d; i++) out[qOff + i] += a * values[j][kvOff + i];
    }
  }
  return out;
}

export function silu(g: number): number {
  return g / (1 + Math.exp(-g));
}

/**
 * GELU as llama.cpp's CPU backend computes it (GGML_GELU_FP16 is on): the tanh approximation,
 * looked up in a table indexed by the F16 input and stored as F16. Using exact GELU instead
 * gives errors near 1e-3.
 */
export function ggmlGelu(x: number): number {
  if (x <= -10) return 0;
  if (x >= 10) return x;
  const xh = float16BitsToFloat32(float32ToFloat16Bits(x));
  const y = 0.5 * xh * (1 + Math.tanh(0.7978845608028654 * xh * (1 + 0.044715 * xh * xh)));
  return float16BitsToFloat32(float32ToFloat16Bits(y));
}
