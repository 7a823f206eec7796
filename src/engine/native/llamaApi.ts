import koffi, { type LibraryHandle } from 'koffi';

/**
 * koffi declarations of the part of llama.cpp's C API that the engine uses.
 *
 * The struct layouts belong to the llama.cpp bundled with node-llama-cpp 3.21.1
 * (`include/llama.h` in its gitRelease.bundle). `checkLayout.ts` verifies them at
 * startup against the defaults the library returns, so a drifted layout fails loudly
 * instead of corrupting memory.
 */

export type Pointer = unknown;

let declared = false;

function declareTypes(): void {
  if (declared) return;
  declared = true;
  koffi.proto('bool llama_progress_callback(float progress, void *user_data)');
  koffi.proto('bool ggml_backend_sched_eval_callback(void *tensor, bool ask, void *user_data)');
  koffi.proto('bool ggml_abort_callback(void *data)');
  koffi.proto('void ggml_log_callback(int level, const char *text, void *user_data)');

  koffi.struct('llama_model_params', {
    devices: 'void *',
    tensor_buft_overrides: 'void *',
    n_gpu_layers: 'int32_t',
    split_mode: 'int32_t',
    load_mode: 'int32_t',
    lazy_mode: 'int32_t',
    main_gpu: 'int32_t',
    tensor_split: 'void *',
    progress_callback: 'llama_progress_callback *',
    progress_callback_user_data: 'void *',
    kv_overrides: 'void *',
    vocab_only: 'bool',
    check_tensors: 'bool',
    use_extra_bufts: 'bool',
    no_host: 'bool',
    no_alloc: 'bool',
    load_mtp: 'bool',
  });

  koffi.struct('llama_context_params', {
    n_ctx: 'uint32_t',
    n_batch: 'uint32_t',
    n_ubatch: 'uint32_t',
    n_seq_max: 'uint32_t',
    n_rs_seq: 'uint32_t',
    n_outputs_max: 'uint32_t',
    n_outputs_max_per_seq: 'uint32_t',
    n_threads: 'int32_t',
    n_threads_batch: 'int32_t',
    ctx_type: 'int32_t',
    rope_scaling_type: 'int32_t',
    pooling_type: 'int32_t',
    attention_type: 'int32_t',
    flash_attn_type: 'int32_t',
    rope_freq_base: 'float',
    rope_freq_scale: 'float',
    yarn_ext_factor: 'float',
    yarn_attn_factor: 'float',
    yarn_beta_fast: 'float',
    yarn_beta_slow: 'float',
    yarn_orig_ctx: 'uint32_t',
    defrag_thold: 'float',
    cb_eval: 'ggml_backend_sched_eval_callback *',
    cb_eval_user_data: 'void *',
    type_k: 'int32_t',
    type_v: 'int32_t',
    abort_callback: 'ggml_abort_callback *',
    abort_callback_data: 'void *',
    embeddings: 'bool',
    offload_kqv: 'bool',
    no_perf: 'bool',
    op_offload: 'bool',
    swa_full: 'bool',
    kv_unified: 'bool',
    samplers: 'void *',
    n_samplers: 'size_t',
    ctx_other: 'void *',
  });

  koffi.struct('llama_batch', {
    n_tokens: 'int32_t',
    token: 'int32_t *',
    embd: 'float *',
    pos: 'int32_t *',
    n_seq_id: 'int32_t *',
    seq_id: 'int32_t **',
    logits: 'int8_t *',
  });

  koffi.struct('llama_sampler_chain_params', { no_perf: 'bool' });

  koffi.struct('llama_model_quantize_params', {
    nthread: 'int32_t',
    ftype: 'int32_t',
    output_tensor_type: 'int32_t',
    token_embedding_type: 'int32_t',
    allow_requantize: 'bool',
    quantize_output_tensor: 'bool',
    only_copy: 'bool',
    pure: 'bool',
    keep_split: 'bool',
    dry_run: 'bool',
    imatrix: 'void *',
    kv_overrides: 'void *',
    tt_overrides: 'void *',
    prune_layers: 'void *',
    max_buf_size: 'size_t',
  });

  // Only the head of ggml_tensor is read: type, ne[] and name (see ggml.h).
  koffi.struct('ggml_tensor_head', {
    type: 'int32_t',
    buffer: 'void *',
    ne: koffi.array('int64_t', 4),
    nb: koffi.array('size_t', 4),
    op: 'int32_t',
    op_params: koffi.array('int32_t', 16),
    flags: 'int32_t',
    src: koffi.array('void *', 10),
    view_src: 'void *',
    view_offs: 'size_t',
    data: 'void *',
    name: koffi.array('char', 64, 'String'),
  });
}

export interface LlamaModelParams {
  n_gpu_layers: number;
  split_mode: number;
  main_gpu: number;
  progress_callback: unknown;
  progress_callback_user_data: unknown;
  vocab_only: boolean;
  check_tensors: boolean;
  use_extra_bufts: boolean;
  [key: string]: unknown;
}

export interface LlamaContextParams {
  n_ctx: number;
  n_batch: number;
  n_ubatch: number;
  n_seq_max: number;
  n_threads: number;
  n_threads_batch: number;
  cb_eval: unknown;
  cb_eval_user_data: unknown;
  type_k: number;
  type_v: number;
  embeddings: boolean;
  offload_kqv: boolean;
  no_perf: boolean;
  [key: string]: unknown;
}

/** The functions, bound to one set of loaded libraries. */
export function bindLlamaApi(lib: LibraryHandle) {
  declareTypes();
  const f = (decl: string) => lib.func(decl);
  return {
    lib,
    // backend
    ggml_backend_load_all_from_path: f('void ggml_backend_load_all_from_path(const char *dir)'),
    ggml_backend_dev_count: f('size_t ggml_backend_dev_count()'),
    ggml_backend_dev_get: f('void *ggml_backend_dev_get(size_t index)'),
    ggml_backend_dev_type: f('int ggml_backend_dev_type(void *dev)'),
    ggml_backend_dev_name: f('const char *ggml_backend_dev_name(void *dev)'),
    ggml_backend_dev_description: f('const char *ggml_backend_dev_description(void *dev)'),
    ggml_backend_tensor_get: f('void ggml_backend_tensor_get(void *tensor, _Out_ void *data, size_t offset, size_t size)'),
    ggml_backend_tensor_set: f('void ggml_backend_tensor_set(void *tensor, const void *data, size_t offset, size_t size)'),
    ggml_backend_tensor_get_2d: f('void ggml_backend_tensor_get_2d(void *tensor, _Out_ void *data, size_t offset, size_t size, size_t n_copies, size_t stride_tensor, size_t stride_data)'),
    ggml_backend_tensor_set_2d: f('void ggml_backend_tensor_set_2d(void *tensor, const void *data, size_t offset, size_t size, size_t n_copies, size_t stride_tensor, size_t stride_data)'),
    llama_backend_init: f('void llama_backend_init()'),
    llama_log_set: f('void llama_log_set(ggml_log_callback *cb, void *user_data)'),
    llama_print_system_info: f('const char *llama_print_system_info()'),
    // params
    llama_model_default_params: f('llama_model_params llama_model_default_params()'),
    llama_context_default_params: f('llama_context_params llama_context_default_params()'),
    llama_sampler_chain_default_params: f('llama_sampler_chain_params llama_sampler_chain_default_params()'),
    llama_model_quantize_default_params: f('llama_model_quantize_params llama_model_quantize_default_params()'),
    // model
    llama_model_load_from_file: f('void *llama_model_load_from_file(const char *path, llama_model_params params)'),
    llama_model_free: f('void llama_model_free(void *model)'),
    llama_model_get_vocab: f('void *llama_model_get_vocab(void *model)'),
    llama_model_n_layer: f('int32_t llama_model_n_layer(void *model)'),
    llama_model_n_embd: f('int32_t llama_model_n_embd(void *model)'),
    llama_model_n_ctx_train: f('int32_t llama_model_n_ctx_train(void *model)'),
    llama_model_n_swa: f('int32_t llama_model_n_swa(void *model)'),
    llama_model_n_params: f('uint64_t llama_model_n_params(void *model)'),
    llama_model_size: f('uint64_t llama_model_size(void *model)'),
    llama_model_desc: f('int32_t llama_model_desc(void *model, _Out_ char *buf, size_t size)'),
    llama_model_quantize: f('uint32_t llama_model_quantize(const char *inp, const char *out, const llama_model_quantize_params *params)'),
    // vocab
    llama_vocab_n_tokens: f('int32_t llama_vocab_n_tokens(void *vocab)'),
    llama_vocab_bos: f('int32_t llama_vocab_bos(void *vocab)'),
    llama_vocab_eos: f('int32_t llama_vocab_eos(void *vocab)'),
    llama_vocab_is_eog: f('bool llama_vocab_is_eog(void *vocab, int32_t token)'),
    llama_vocab_get_add_bos: f('bool llama_vocab_get_add_bos(void *vocab)'),
    llama_vocab_fim_pre: f('int32_t llama_vocab_fim_pre(void *vocab)'),
    llama_vocab_fim_suf: f('int32_t llama_vocab_fim_suf(void *vocab)'),
    llama_vocab_fim_mid: f('int32_t llama_vocab_fim_mid(void *vocab)'),
    llama_tokenize: f('int32_t llama_tokenize(void *vocab, const uint8_t *text, int32_t text_len, _Out_ int32_t *tokens, int32_t n_max, bool add_special, bool parse_special)'),
    llama_token_to_piece: f('int32_t llama_token_to_piece(void *vocab, int32_t token, _Out_ uint8_t *buf, int32_t length, int32_t lstrip, bool special)'),
    // context
    llama_init_from_model: f('void *llama_init_from_model(void *model, llama_context_params params)'),
    llama_free: f('void llama_free(void *ctx)'),
    llama_n_ctx: f('uint32_t llama_n_ctx(void *ctx)'),
    llama_n_batch: f('uint32_t llama_n_batch(void *ctx)'),
    llama_n_ubatch: f('uint32_t llama_n_ubatch(void *ctx)'),
    llama_get_memory: f('void *llama_get_memory(void *ctx)'),
    llama_memory_clear: f('void llama_memory_clear(void *mem, bool data)'),
    llama_memory_seq_rm: f('bool llama_memory_seq_rm(void *mem, int32_t seq, int32_t p0, int32_t p1)'),
    llama_memory_seq_pos_min: f('int32_t llama_memory_seq_pos_min(void *mem, int32_t seq)'),
    llama_batch_init: f('llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max)'),
    llama_batch_free: f('void llama_batch_free(llama_batch batch)'),
    llama_decode: f('int32_t llama_decode(void *ctx, llama_batch batch)'),
    llama_get_logits: f('float *llama_get_logits(void *ctx)'),
    llama_get_logits_ith: f('float *llama_get_logits_ith(void *ctx, int32_t i)'),
    // Control vector: data holds n_embd floats per layer from layer 1; NULL clears it.
    llama_set_adapter_cvec: f('int32_t llama_set_adapter_cvec(void *ctx, const float *data, size_t len, int32_t n_embd, int32_t il_start, int32_t il_end)'),
    llama_set_n_threads: f('void llama_set_n_threads(void *ctx, int32_t n, int32_t n_batch)'),
    // sampling
    llama_sampler_chain_init: f('void *llama_sampler_chain_init(llama_sampler_chain_params params)'),
    llama_sampler_chain_add: f('void llama_sampler_chain_add(void *chain, void *smpl)'),
    llama_sampler_init_greedy: f('void *llama_sampler_init_greedy()'),
    llama_sampler_init_dist: f('void *llama_sampler_init_dist(uint32_t seed)'),
    llama_sampler_init_top_k: f('void *llama_sampler_init_top_k(int32_t k)'),
    llama_sampler_init_top_p: f('void *llama_sampler_init_top_p(float p, size_t min_keep)'),
    llama_sampler_init_temp: f('void *llama_sampler_init_temp(float t)'),
    llama_sampler_init_penalties: f('void *llama_sampler_init_penalties(int32_t n_vocab, int32_t last_n, float repeat, float freq, float present)'),
    llama_sampler_sample: f('int32_t llama_sampler_sample(void *smpl, void *ctx, int32_t idx)'),
    llama_sampler_accept: f('void llama_sampler_accept(void *smpl, int32_t token)'),
    llama_sampler_free: f('void llama_sampler_free(void *smpl)'),
  };
}

export type LlamaApi = ReturnType<typeof bindLlamaApi>;
