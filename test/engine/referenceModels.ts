// Which reference forward each synthetic architecture gets, and hand-made weights whose
// pre-activation signs are known without any reference at all.
import type { SyntheticWeights, WeightTensor } from '../../src/gguf/syntheticWeights.ts';
import { REFERENCE_ARCHS } from '../reference/llamaForward.ts';
import { cloneWeights } from './testModels.ts';

/**
 * Weights that test/reference/llamaForward.ts can run, computing what llama.cpp computes for `w`.
 * phi3 is qwen2's graph without biases once its fused matrices are split: its attn_qkv holds
 * Q, K and V rows in that order (build_qkv views them at those offsets), its ffn_up holds the
 * gate rows and then the up rows (ggml_swiglu applies SiLU to the first half), RoPE is NEOX in
 * both, and phi3's scaling of Q before attention is the same 1/sqrt(head_dim). bloom (LayerNorm,
 * ALiBi) has no reference; see the sign-known weights below.
 */
export function referenceWeights(w: SyntheticWeights): SyntheticWeights | undefined {
  if ((REFERENCE_ARCHS as readonly string[]).includes(w.hparams.arch)) return w;
  if (w.hparams.arch !== 'phi3') return undefined;
  const { nEmbd: E, nFf: F, nHead, nHeadKv, headDim: D } = w.hparams;
  const q = nHead * D;
  const kv = nHeadKv * D;
  const tensors = new Map<string, WeightTensor>();
  const put = (name: string, shape: number[], data: Float32Array) => tensors.set(name, { name, shape, data });
  for (const [name, t] of w.tensors) {
    const m = /^blk\.(\d+)\.(attn_qkv|ffn_up)\.weight$/.exec(name);
    if (!m) {
      put(name, t.shape, t.data);
      continue;
    }
    const p = `blk.${m[1]}.`;
    if (m[2] === 'attn_qkv') {
      put(p + 'attn_q.weight', [E, q], t.data.subarray(0, q * E));
      put(p + 'attn_k.weight', [E, kv], t.data.subarray(q * E, (q + kv) * E));
      put(p + 'attn_v.weight', [E, kv], t.data.subarray((q + kv) * E, (q + 2 * kv) * E));
    } else {
      put(p + 'ffn_gate.weight', [E, F], t.data.subarray(0, F * E));
      put(p + 'ffn_up.weight', [E, F], t.data.subarray(F * E, 2 * F * E));
    }
  }
  return { ...w, hparams: { ...w.hparams, arch: 'qwen2' }, tensors };
}

/** Neuron groups of the sign-known weights, the same in every layer. */
export const KNOWN = {
  /** Pre-activation exactly +0.5 on every token (bloom) or 0 (phi3: zero gate rows). */
  fixed: [0, 1, 2, 3, 4, 5, 6, 7],
  /** Pre-activation exactly -0.5 (bloom only). */
  negative: [8, 9, 10, 11, 12, 13, 14, 15],
  /** Pre-activation exactly 0: not active, since active means > 0. */
  zero: [16, 17, 18, 19, 20, 21, 22, 23],
  /** Neuron j + PAIR_SHIFT has the negated weights (and bias) of neuron j, for j in [24, 64). */
  pairs: Array.from({ length: 40 }, (_, i) => 24 + i),
} as const;
export const PAIR_SHIFT = 40;
export const KNOWN_BIAS = 0.5;

/**
 * Edits random phi3 or bloom weights so that, whatever the rest of the model computes, the
 * pre-activation of the KNOWN neurons has a known sign: a zero weight row gives exactly 0 (plus
 * the bias, for bloom), and a negated row gives exactly the negated value, because each row's
 * dot product is computed in the same order and IEEE rounding is symmetric in sign. So every
 * token counts for exactly one neuron of each pair. For phi3 the up half of the fused matrix
 * (rows n_ff..2 n_ff) gets random rows in the same places, so reading the wrong half would
 * break every rule.
 */
export function signKnownWeights(source: SyntheticWeights): SyntheticWeights {
  const w = cloneWeights(source);
  const { nLayer, nEmbd: E, arch } = w.hparams;
  if (arch !== 'phi3' && arch !== 'bloom') throw new Error(`sign-known weights are for phi3 and bloom, not ${arch}`);
  for (let l = 0; l < nLayer; l++) {
    const up = w.tensors.get(`blk.${l}.ffn_up.weight`)!.data;
    const bias = arch === 'bloom' ? w.tensors.get(`blk.${l}.ffn_up.bias`)!.data : undefined;
    const row = (j: number) => up.subarray(j * E, (j + 1) * E);
    for (const j of [...KNOWN.fixed, ...KNOWN.negative, ...KNOWN.zero]) row(j).fill(0);
    if (bias) {
      for (const j of KNOWN.fixed) bias[j] = KNOWN_BIAS;
      for (const j of KNOWN.negative) bias[j] = -KNOWN_BIAS;
      for (const j of KNOWN.zero) bias[j] = 0;
    }
    for (const j of KNOWN.pairs) {
      const src = row(j);
      row(j + PAIR_SHIFT).set(src.map((v) => -v));
      if (bias) bias[j + PAIR_SHIFT] = -bias[j];
    }
  }
  return w;
}
