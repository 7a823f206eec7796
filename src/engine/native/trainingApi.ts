import koffi from 'koffi';
import type { LlamaApi } from './llamaApi.ts';

/**
 * koffi declarations of llama.cpp's training API (`llama_opt_*` in include/llama.h) and
 * the ggml-opt pieces it needs (ggml/include/ggml-opt.h), for the llama.cpp bundled with
 * node-llama-cpp 3.21.1. They bind to the library that loadLibraries() already opened:
 * dlsym on libllama's handle also finds the ggml-base symbols it depends on, and a second
 * dlopen would register the ggml backends twice.
 *
 * Kept apart from llamaApi.ts because only the demo-model recipe trains; the engine never
 * needs these at run time.
 */

/** enum ggml_type values used here. */
export const GgmlType = { F32: 0, I32: 26 } as const;

/** enum ggml_opt_optimizer_type. */
export const OptimizerType = { adamw: 0, sgd: 1 } as const;

let declared = false;

function declareTypes(): void {
  if (declared) return;
  declared = true;
  koffi.struct('ggml_opt_optimizer_params', {
    adamw: koffi.struct('ggml_opt_adamw_params', { alpha: 'float', beta1: 'float', beta2: 'float', eps: 'float', wd: 'float' }),
    sgd: koffi.struct('ggml_opt_sgd_params', { alpha: 'float', wd: 'float' }),
  });
  // Function pointers are plain addresses here (lib.symbol of llama.cpp's own functions),
  // so no JS callback sits on the per-step path.
  koffi.struct('llama_opt_params', {
    n_ctx_train: 'uint32_t',
    param_filter: 'void *',
    param_filter_ud: 'void *',
    get_opt_pars: 'void *',
    get_opt_pars_ud: 'void *',
    optimizer_type: 'int32_t',
  });
  koffi.proto('void ggml_opt_epoch_callback(bool train, void *opt_ctx, void *dataset, void *result, int64_t ibatch, int64_t ibatch_max, int64_t t_start_us)');
}

export interface AdamWParams {
  alpha: number;
  beta1: number;
  beta2: number;
  eps: number;
  wd: number;
}

export interface OptimizerParams {
  adamw: AdamWParams;
  sgd: { alpha: number; wd: number };
}

/** Called after every ubatch of an epoch, on the thread that called llama_opt_epoch. */
export type EpochCallback = (train: boolean, optCtx: unknown, dataset: unknown, result: unknown, ibatch: number | bigint, ibatchMax: number | bigint, tStartUs: number | bigint) => void;

export function bindTrainingApi(api: LlamaApi) {
  declareTypes();
  const lib = api.lib;
  const f = (decl: string) => lib.func(decl);
  return {
    // Addresses of llama.cpp's own callbacks, for llama_opt_params.
    paramFilterAll: lib.symbol('llama_opt_param_filter_all') as unknown,
    constantOptimizerParams: lib.symbol('ggml_opt_get_constant_optimizer_params') as unknown,
    ggml_opt_get_default_optimizer_params: f('ggml_opt_optimizer_params ggml_opt_get_default_optimizer_params(void *userdata)'),
    llama_opt_init: f('void llama_opt_init(void *ctx, void *model, llama_opt_params params)'),
    llama_opt_epoch: f('void llama_opt_epoch(void *ctx, void *dataset, void *result_train, void *result_eval, int64_t idata_split, ggml_opt_epoch_callback *callback_train, ggml_opt_epoch_callback *callback_eval)'),
    ggml_set_param: f('void ggml_set_param(void *tensor)'),
    llama_model_save_to_file: f('void llama_model_save_to_file(void *model, const char *path)'),
    ggml_opt_dataset_init: f('void *ggml_opt_dataset_init(int type_data, int type_label, int64_t ne_datapoint, int64_t ne_label, int64_t ndata, int64_t ndata_shard)'),
    ggml_opt_dataset_free: f('void ggml_opt_dataset_free(void *dataset)'),
    ggml_opt_dataset_ndata: f('int64_t ggml_opt_dataset_ndata(void *dataset)'),
    ggml_opt_dataset_data: f('void *ggml_opt_dataset_data(void *dataset)'),
    ggml_opt_dataset_labels: f('void *ggml_opt_dataset_labels(void *dataset)'),
    ggml_opt_result_init: f('void *ggml_opt_result_init()'),
    ggml_opt_result_free: f('void ggml_opt_result_free(void *result)'),
    ggml_opt_result_reset: f('void ggml_opt_result_reset(void *result)'),
    ggml_opt_result_ndata: f('void ggml_opt_result_ndata(void *result, _Out_ int64_t *ndata)'),
    ggml_opt_result_loss: f('void ggml_opt_result_loss(void *result, _Out_ double *loss, _Out_ double *unc)'),
  };
}

export type TrainingApi = ReturnType<typeof bindTrainingApi>;
