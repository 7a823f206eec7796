// Tensor names, shapes and metadata keys per architecture, taken from the bundled llama.cpp
// (src/models/<arch>.cpp load_arch_tensors, llama-arch.cpp names). llama.cpp refuses a file
// with a tensor it does not load ("wrong number of tensors"), so each list is exact:
// gemma, gemma3 and bloom tie the output to token_embd and must not contain output.weight.
import { LlamaFileType } from './ggufTypes.ts';
import type { GgufWriter } from './ggufWriter.ts';

export const SYNTHETIC_ARCHS = ['llama', 'qwen2', 'qwen3', 'gemma', 'gemma3', 'phi3', 'bloom'] as const;
export type SyntheticArch = (typeof SYNTHETIC_ARCHS)[number];

export interface SyntheticHparams {
  arch: SyntheticArch;
  nLayer: number;
  nEmbd: number;
  nFf: number;
  nHead: number;
  nHeadKv: number;
  nCtx: number;
  nVocab: number;
  /**
   * Width of one attention head, also the RoPE dimension count (all rotary dims are rotated).
   * nEmbd / nHead except where gemma or gemma3 were given another (real Gemma 3 heads are wider).
   */
  headDim: number;
  /** RMSNorm eps for the RMS archs, LayerNorm eps for bloom. */
  normEps: number;
  /** RoPE base of the global-attention layers (of every layer where there is no sliding window). */
  ropeFreqBase: number;
  /** gemma3 only: its interleaved sliding-window attention. */
  swa?: SlidingWindow;
}

/**
 * gemma3's local attention, as llama_model_gemma3::load_arch_hparams reads it: layer il is a
 * sliding-window layer unless il % period == period - 1 (llama_hparams::set_swa_pattern), and a
 * query at position p sees the keys at p - window + 1 .. p (is_masked_swa masks p - p0 >= window).
 */
export interface SlidingWindow {
  window: number;
  period: number;
  /** RoPE base of the sliding-window layers: always llama.cpp's default, which files leave unset. */
  ropeFreqBase: number;
}

/**
 * What llama.cpp assumes when a gemma3 file leaves the keys out, as Google's converter does:
 * every 6th layer global (no sliding_window_pattern) and a local RoPE base of 10000 (no
 * rope.freq_base_swa; rope_freq_base_train_swa's default in llama-hparams.h).
 */
export const GEMMA3_SWA_DEFAULTS = { period: 6, ropeFreqBase: 10000 } as const;

/** Whether layer `il` attends through the sliding window. */
export function isSlidingLayer(h: SyntheticHparams, il: number): boolean {
  return h.swa !== undefined && il % h.swa.period < h.swa.period - 1;
}

/**
 * How a tensor is initialised. matrix: N(0, scale^2 / fanIn) with fanIn = shape[0], so each
 * output of a matmul over O(1) inputs is O(1) and gate pre-activations are about half positive.
 */
export type TensorInit = 'embedding' | 'matrix' | 'norm' | 'bias';

export interface TensorSpec {
  name: string;
  /** ggml order, ne0 first: a [in, out] matrix is stored as `out` rows of `in` values. */
  shape: number[];
  init: TensorInit;
}

/** RoPE as llama_model_rope_type gives it: NORM rotates adjacent pairs, NEOX the two halves. */
export function ropeType(arch: SyntheticArch): 'norm' | 'neox' | 'none' {
  switch (arch) {
    case 'llama': return 'norm';
    case 'bloom': return 'none';
    default: return 'neox';
  }
}

/** Whether the output projection is token_embd itself (no output.weight in the file). */
export function tiesOutput(arch: SyntheticArch): boolean {
  return arch === 'gemma' || arch === 'gemma3' || arch === 'bloom';
}

export function archTensorSpecs(h: SyntheticHparams): TensorSpec[] {
  const E = h.nEmbd;
  const F = h.nFf;
  const V = h.nVocab;
  const q = h.nHead * h.headDim;
  const kv = h.nHeadKv * h.headDim;
  const specs: TensorSpec[] = [{ name: 'token_embd.weight', shape: [E, V], init: 'embedding' }];
  const isBloom = h.arch === 'bloom';
  if (isBloom) {
    specs.push({ name: 'token_embd_norm.weight', shape: [E], init: 'norm' });
    specs.push({ name: 'token_embd_norm.bias', shape: [E], init: 'bias' });
  }
  for (let i = 0; i < h.nLayer; i++) {
    const p = `blk.${i}.`;
    const add = (name: string, shape: number[], init: TensorInit) => specs.push({ name: p + name, shape, init });
    add('attn_norm.weight', [E], 'norm');
    if (isBloom) add('attn_norm.bias', [E], 'bias');
    if (h.arch === 'phi3' || isBloom) {
      add('attn_qkv.weight', [E, q + 2 * kv], 'matrix');
      if (isBloom) add('attn_qkv.bias', [q + 2 * kv], 'bias');
    } else {
      add('attn_q.weight', [E, q], 'matrix');
      add('attn_k.weight', [E, kv], 'matrix');
      add('attn_v.weight', [E, kv], 'matrix');
      if (h.arch === 'qwen2') {
        add('attn_q.bias', [q], 'bias');
        add('attn_k.bias', [kv], 'bias');
        add('attn_v.bias', [kv], 'bias');
      }
      if (h.arch === 'qwen3' || h.arch === 'gemma3') {
        add('attn_q_norm.weight', [h.headDim], 'norm');
        add('attn_k_norm.weight', [h.headDim], 'norm');
      }
    }
    add('attn_output.weight', [q, E], 'matrix');
    if (isBloom) add('attn_output.bias', [E], 'bias');
    // gemma3 normalizes the attention output before the residual add (attn_post_norm).
    if (h.arch === 'gemma3') add('post_attention_norm.weight', [E], 'norm');
    add('ffn_norm.weight', [E], 'norm');
    if (isBloom) add('ffn_norm.bias', [E], 'bias');
    if (h.arch === 'phi3') {
      // Fused gate||up: rows 0..F-1 are the gate, F..2F-1 the up projection (ggml_swiglu
      // applies SiLU to the first half).
      add('ffn_up.weight', [E, 2 * F], 'matrix');
    } else if (isBloom) {
      add('ffn_up.weight', [E, F], 'matrix');
      add('ffn_up.bias', [F], 'bias');
    } else {
      add('ffn_gate.weight', [E, F], 'matrix');
      add('ffn_up.weight', [E, F], 'matrix');
    }
    add('ffn_down.weight', [F, E], 'matrix');
    if (isBloom) add('ffn_down.bias', [E], 'bias');
    // ...and the FFN output too (ffn_post_norm), which partly undoes any neuron edit's size.
    if (h.arch === 'gemma3') add('post_ffw_norm.weight', [E], 'norm');
  }
  specs.push({ name: 'output_norm.weight', shape: [E], init: 'norm' });
  if (isBloom) specs.push({ name: 'output_norm.bias', shape: [E], init: 'bias' });
  if (!tiesOutput(h.arch)) specs.push({ name: 'output.weight', shape: [E, V], init: 'matrix' });
  return specs;
}

/** Writes general.* and <arch>.* keys with the exact GGUF types llama.cpp's get_key expects. */
export function setArchMetadata(writer: GgufWriter, h: SyntheticHparams, dtype: 'f32' | 'f16', name: string): void {
  const a = h.arch;
  writer.setString('general.architecture', a);
  writer.setString('general.name', name);
  writer.setUint32('general.file_type', LlamaFileType[dtype]);
  writer.setUint32(`${a}.context_length`, h.nCtx);
  writer.setUint32(`${a}.embedding_length`, h.nEmbd);
  writer.setUint32(`${a}.block_count`, h.nLayer);
  writer.setUint32(`${a}.feed_forward_length`, h.nFf);
  writer.setUint32(`${a}.attention.head_count`, h.nHead);
  writer.setUint32(`${a}.attention.head_count_kv`, h.nHeadKv);
  if (a === 'bloom') {
    writer.setFloat32(`${a}.attention.layer_norm_epsilon`, h.normEps);
  } else {
    writer.setFloat32(`${a}.attention.layer_norm_rms_epsilon`, h.normEps);
    writer.setUint32(`${a}.rope.dimension_count`, h.headDim);
    writer.setFloat32(`${a}.rope.freq_base`, h.ropeFreqBase);
  }
  if (a === 'gemma' || a === 'gemma3') {
    // Gemma's converter always writes these (real Gemma heads are not nEmbd / nHead wide).
    writer.setUint32(`${a}.attention.key_length`, h.headDim);
    writer.setUint32(`${a}.attention.value_length`, h.headDim);
  }
  if (h.swa) {
    writer.setUint32(`${a}.attention.sliding_window`, h.swa.window);
    // Left out where llama.cpp's default applies, as real files leave them out (see above).
    if (h.swa.period !== GEMMA3_SWA_DEFAULTS.period) writer.setUint32(`${a}.attention.sliding_window_pattern`, h.swa.period);
  }
}
