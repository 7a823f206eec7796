// The untrained starting point: a llama-architecture F32 GGUF with the learned vocabulary,
// written by src/gguf so that llama.cpp's loader, not a copy of it, defines the format.
import type { SpmVocab } from '../../src/gguf/spmVocab.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { generateSyntheticWeights } from '../../src/gguf/syntheticWeights.ts';

export interface ModelShape {
  nLayer: number;
  nEmbd: number;
  nFf: number;
  nHead: number;
  contextSize: number;
  /**
   * Initial share of tokens on which each FFN neuron is active (gate > 0). Below 0.5 the model
   * gets a gate bias (blk.N.ffn_gate.bias, which llama.cpp's llama graph supports and its
   * trainer trains) starting at the matching negative value; 0.5 writes no bias at all.
   */
  gateActiveRate: number;
  /**
   * RMS of the token embeddings. Below 1 the blocks' outputs, not the frozen embedding, make
   * up most of the residual stream that the output layer reads, as in trained LLMs whose
   * residual norm grows with depth; so what the FFN neurons write decides more of the output.
   */
  embeddingScale: number;
}

export const DEMO_MODEL_NAME = 'lape-demo';

/**
 * Writes the initial weights. The synthetic initialiser draws matrices with std 1/sqrt(fan_in);
 * for training, norms start at exactly 1 and the two projections that write into the residual
 * stream (attn_output, ffn_down) are scaled by 1/sqrt(2 n_layer), as GPT-2 does, so the
 * stream does not grow with depth at the start. token_embd is N(0, 1) unless `tokenEmbd` is
 * given; unless the recipe trains it (llama_opt_init leaves it out), it stays as written.
 */
export async function writeInitialModel(path: string, vocab: SpmVocab, shape: ModelShape, seed: number, tokenEmbd?: Float32Array): Promise<number> {
  const weights = generateSyntheticWeights({
    arch: 'llama',
    vocab,
    nLayer: shape.nLayer,
    nEmbd: shape.nEmbd,
    nFf: shape.nFf,
    nHead: shape.nHead,
    nCtx: shape.contextSize,
    seed,
  });
  const residualScale = 1 / Math.sqrt(2 * shape.nLayer);
  let params = 0;
  for (const [name, t] of weights.tensors) {
    if (name === 'token_embd.weight') {
      if (tokenEmbd) {
        if (tokenEmbd.length !== t.data.length) throw new Error(`token_embd needs ${t.data.length} values, got ${tokenEmbd.length}`);
        t.data.set(tokenEmbd);
      }
      for (let i = 0; i < t.data.length; i++) t.data[i] *= shape.embeddingScale;
    } else if (name.endsWith('norm.weight')) t.data.fill(1);
    else if (name.endsWith('attn_output.weight') || name.endsWith('ffn_down.weight')) {
      for (let i = 0; i < t.data.length; i++) t.data[i] *= residualScale;
    }
  }
  if (shape.gateActiveRate < 0.5) {
    // gate = w.h + b with h RMS-normalised and w ~ N(0, 1/n_embd): w.h ~ N(0, 1), so a bias of
    // -z(1 - r) leaves each neuron active on a share r of tokens. Sparse, selective gates are
    // what language-specific neurons are made of; a bias-free gate starts active half the time.
    const b = -normalQuantile(1 - shape.gateActiveRate);
    for (let i = 0; i < shape.nLayer; i++) {
      const name = `blk.${i}.ffn_gate.bias`;
      weights.tensors.set(name, { name, shape: [shape.nFf], data: new Float32Array(shape.nFf).fill(b) });
    }
  }
  for (const t of weights.tensors.values()) params += t.data.length;
  await writeSyntheticModel(path, { weights, dtype: 'f32', name: DEMO_MODEL_NAME });
  return params;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const dd = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
