import { EngineError } from '../errors.ts';
import type { LlamaApi } from './llamaApi.ts';

/**
 * The struct layouts in llamaApi.ts were written for the llama.cpp of node-llama-cpp
 * 3.21.1. If another version is installed, a field moved by a few bytes would make
 * every later call read garbage. The defaults the library returns are known values
 * spread over the whole struct, so comparing them catches a shifted layout.
 */
export function checkLayout(api: LlamaApi): void {
  const c = api.llama_context_default_params() as Record<string, unknown>;
  const expectedCtx: Record<string, unknown> = {
    n_ctx: 512, n_batch: 2048, n_ubatch: 512, n_seq_max: 1, n_rs_seq: 0, n_outputs_max: 0, n_outputs_max_per_seq: 1,
    n_threads: 4, n_threads_batch: 4, ctx_type: 0, rope_scaling_type: -1, pooling_type: -1, attention_type: -1, flash_attn_type: -1,
    rope_freq_base: 0, rope_freq_scale: 0, yarn_ext_factor: -1, yarn_orig_ctx: 0, defrag_thold: -1, type_k: 1, type_v: 1,
    embeddings: false, offload_kqv: true, no_perf: true, op_offload: true, swa_full: true, kv_unified: false, n_samplers: 0,
  };
  const m = api.llama_model_default_params() as Record<string, unknown>;
  const expectedModel: Record<string, unknown> = { split_mode: 1, main_gpu: 0, vocab_only: false, check_tensors: false, no_alloc: false, load_mtp: false };
  const q = api.llama_model_quantize_default_params() as Record<string, unknown>;
  const expectedQuant: Record<string, unknown> = { nthread: 0, quantize_output_tensor: true, only_copy: false, pure: false, keep_split: false, dry_run: false };
  const mismatches = [
    ...diff('llama_context_params', c, expectedCtx),
    ...diff('llama_model_params', m, expectedModel),
    ...diff('llama_model_quantize_params', q, expectedQuant),
  ];
  if (mismatches.length > 0) {
    throw new EngineError(
      'layout-mismatch',
      `The installed llama.cpp does not have the struct layout this engine was written for (node-llama-cpp 3.21.1): ${mismatches.slice(0, 5).join('; ')}. Install the pinned version with \`npm ci\`.`,
    );
  }
}

function diff(struct: string, actual: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  return Object.entries(expected)
    .filter(([k, v]) => (typeof v === 'number' ? Math.abs(Number(actual[k]) - v) > 1e-6 : actual[k] !== v))
    .map(([k, v]) => `${struct}.${k} is ${String(actual[k])}, expected ${String(v)}`);
}
