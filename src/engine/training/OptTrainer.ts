import koffi from 'koffi';
import { cpus } from 'node:os';
import { EngineError } from '../errors.ts';
import { EngineModel } from '../EngineModel.ts';
import { readModelFacts } from '../modelFacts.ts';
import { loadLibraries } from '../native/loadLibraries.ts';
import type { LlamaApi } from '../native/llamaApi.ts';
import { llamaLogMark, llamaLogSince } from '../native/logger.ts';
import { bindTrainingApi, GgmlType, OptimizerType, type AdamWParams, type TrainingApi } from '../native/trainingApi.ts';

export interface OptTrainerOptions {
  /** Tokens per training row; a multiple of 256, because llama.cpp pads n_ctx to one. */
  contextSize: number;
  /** CPU threads. Default: the number of cores. */
  threads?: number;
  /** AdamW settings; alpha (the learning rate) can be changed per step with setAdamW. */
  adamw?: Partial<AdamWParams>;
  /**
   * Also train token_embd, which llama_opt_init leaves out (a FIXME in llama-context.cpp).
   * The trainer finds the tensor as the source of the graph's get_rows node and marks it a
   * parameter itself; ggml's backward pass has get_rows_back, so on the CPU it trains like
   * any other weight.
   */
  trainTokenEmbedding?: boolean;
}

/**
 * The most blocks llama.cpp 80fb11a (node-llama-cpp 3.21.1) can train: measured with the demo
 * recipe's llama models, 7 train and 8 fail GGML_ASSERT(hash_set.size >= n_nodes + n_leafs).
 */
export const MAX_TRAINABLE_LAYERS = 7;

/** One training row: `contextSize` input tokens and the `contextSize` tokens that follow each. */
export interface TrainingRow {
  tokens: Int32Array;
  labels: Int32Array;
}

export interface TrainRowsOptions {
  /** After every optimizer step, with its mean cross-entropy in nats per token. */
  onStep?: (step: number, loss: number) => void;
}

/**
 * Trains every weight of an F32 GGUF with llama.cpp's own training API, on the CPU (tok_embd
 * only with `trainTokenEmbedding`). One row is one optimizer step.
 *
 * The model is also exposed as an EngineModel, so the same weights can be tokenized with
 * and scored by ordinary contexts between training calls.
 */
export class OptTrainer {
  private readonly train: TrainingApi;
  private readonly ctx: unknown;
  private readonly optParams: unknown;
  private readonly evalCallback: ReturnType<typeof koffi.register> | undefined;
  /** token_embd's ggml_tensor, once the warm-up decode has shown it. */
  private tokenEmbd: unknown = null;
  private adamw: AdamWParams;
  private disposed = false;
  readonly contextSize: number;
  private nThreads: number;
  readonly model: EngineModel;
  /** Optimizer steps taken so far. */
  steps = 0;

  private constructor(private readonly api: LlamaApi, model: EngineModel, options: OptTrainerOptions) {
    this.model = model;
    this.train = bindTrainingApi(api);
    this.nThreads = options.threads ?? cpus().length;
    const p = api.llama_context_default_params() as Record<string, unknown>;
    p.n_ctx = p.n_batch = p.n_ubatch = options.contextSize;
    p.n_threads = p.n_threads_batch = this.nThreads;
    // OUT_PROD has no F16 path for the backward pass, and FLASH_ATTN_EXT no backward at all.
    p.type_k = p.type_v = GgmlType.F32;
    p.flash_attn_type = 0;
    p.no_perf = true;
    if (options.trainTokenEmbedding) {
      this.evalCallback = koffi.register(this.findTokenEmbedding, 'ggml_backend_sched_eval_callback *');
      p.cb_eval = this.evalCallback;
    }
    this.ctx = api.llama_init_from_model(model.handle, p);
    if (!this.ctx) {
      this.unregisterCallback();
      throw new EngineError('context-failed', `llama.cpp could not create a training context of ${options.contextSize} tokens.`);
    }
    try {
      this.contextSize = api.llama_n_ctx(this.ctx) as number;
      if (this.contextSize !== options.contextSize) {
        throw new EngineError('bad-argument', `contextSize must be a multiple of 256 (llama.cpp made ${this.contextSize} of ${options.contextSize}).`);
      }
      this.warmUp();
      if (options.trainTokenEmbedding) {
        if (!this.tokenEmbd) throw new EngineError('unsupported-architecture', 'token_embd was not found as an F32 tensor in the forward graph, so it cannot be trained.');
        this.train.ggml_set_param(this.tokenEmbd);
      }
    } catch (err) {
      api.llama_free(this.ctx);
      this.unregisterCallback();
      throw err;
    }
    const defaults = this.train.ggml_opt_get_default_optimizer_params(null) as { adamw: AdamWParams };
    this.adamw = { ...defaults.adamw, ...options.adamw };
    // llama.cpp reads the optimizer settings from this memory before every step, through
    // its own ggml_opt_get_constant_optimizer_params; setAdamW rewrites it in place.
    this.optParams = koffi.alloc('ggml_opt_optimizer_params', 1);
    this.writeParams();
    this.train.llama_opt_init(this.ctx, model.handle, {
      n_ctx_train: 0,
      param_filter: this.train.paramFilterAll,
      param_filter_ud: null,
      get_opt_pars: this.train.constantOptimizerParams,
      get_opt_pars_ud: this.optParams,
      optimizer_type: OptimizerType.adamw,
    });
  }

  /** Loads `path` (an F32 GGUF) with writable weights in CPU memory and prepares AdamW. */
  static async open(path: string, options: OptTrainerOptions): Promise<OptTrainer> {
    const { api } = await loadLibraries();
    const facts = await readModelFacts(path);
    if (facts.nLayer > MAX_TRAINABLE_LAYERS) {
      // Checked here because llama.cpp would abort the whole process (a GGML_ASSERT).
      throw new EngineError(
        'unsupported-architecture',
        `${path} has ${facts.nLayer} blocks; this llama.cpp can train at most ${MAX_TRAINABLE_LAYERS}. Its scheduler is sized for inference graphs (max(1024, 8 x tensors) nodes), and the training graph of 8 blocks outgrows it.`,
      );
    }
    const mp = api.llama_model_default_params() as Record<string, unknown>;
    mp.n_gpu_layers = 0;
    // Not memory-mapped (the optimizer writes the weights in place) and in plain CPU
    // buffers, not repacked ones the backward pass cannot read.
    mp.load_mode = 0;
    mp.use_extra_bufts = false;
    const mark = llamaLogMark();
    const handle = api.llama_model_load_from_file(path, mp);
    if (!handle) throw new EngineError('load-failed', `llama.cpp could not load ${path} for training: ${llamaLogSince(mark).slice(-3).join(' | ')}`);
    const model = new EngineModel(api, handle, facts, () => {});
    try {
      return new OptTrainer(api, model, options);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  get threads(): number {
    return this.nThreads;
  }

  /**
   * Changes the CPU threads of later steps. The weights do not depend on it (ggml splits
   * each result by rows, so every value is computed the same way); only the speed does.
   */
  setThreads(n: number): void {
    this.assertAlive();
    if (n === this.nThreads) return;
    this.api.llama_set_n_threads(this.ctx, n, n);
    this.nThreads = n;
    this.warmUp();
  }

  get learningRate(): number {
    return this.adamw.alpha;
  }

  /** Changes AdamW settings from the next optimizer step on. */
  setAdamW(params: Partial<AdamWParams>): void {
    this.adamw = { ...this.adamw, ...params };
    this.writeParams();
  }

  /**
   * One optimizer step per row, in the order given (llama_opt_epoch does not shuffle).
   * Returns each step's loss. Blocks the calling thread while llama.cpp computes.
   */
  trainRows(rows: readonly TrainingRow[], options: TrainRowsOptions = {}): Float64Array {
    this.assertAlive();
    const n = this.contextSize;
    const losses = new Float64Array(rows.length);
    if (rows.length === 0) return losses;
    const ds = this.train.ggml_opt_dataset_init(GgmlType.I32, GgmlType.I32, n, n, rows.length, 1);
    const result = this.train.ggml_opt_result_init();
    try {
      const data = new Int32Array(rows.length * n);
      const labels = new Int32Array(rows.length * n);
      rows.forEach((r, i) => {
        if (r.tokens.length !== n || r.labels.length !== n) throw new EngineError('bad-argument', `Row ${i} has ${r.tokens.length} tokens and ${r.labels.length} labels; both must be ${n}.`);
        data.set(r.tokens, i * n);
        labels.set(r.labels, i * n);
      });
      this.api.ggml_backend_tensor_set(this.train.ggml_opt_dataset_data(ds), data, 0, data.byteLength);
      this.api.ggml_backend_tensor_set(this.train.ggml_opt_dataset_labels(ds), labels, 0, labels.byteLength);
      let i = 0;
      const loss = [0];
      const onBatch = () => {
        // Read and reset after each step, so the result holds exactly this step's loss.
        this.train.ggml_opt_result_loss(result, loss, [0]);
        this.train.ggml_opt_result_reset(result);
        losses[i] = loss[0];
        this.steps++;
        options.onStep?.(this.steps, loss[0]);
        i++;
      };
      this.train.llama_opt_epoch(this.ctx, ds, result, null, rows.length, onBatch, null);
    } finally {
      this.train.ggml_opt_result_free(result);
      this.train.ggml_opt_dataset_free(ds);
    }
    return losses;
  }

  /** Writes the current weights as an F32 GGUF with llama.cpp's own saver. */
  save(path: string): void {
    this.assertAlive();
    this.train.llama_model_save_to_file(this.model.handle, path);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.api.llama_free(this.ctx);
    this.unregisterCallback();
    this.model.dispose();
    koffi.free(this.optParams);
  }

  /** Whether token_embd is being trained. */
  get trainsTokenEmbedding(): boolean {
    return this.tokenEmbd !== null;
  }

  /**
   * cb_eval of the training context: it asks for no data, and only looks, during the warm-up
   * decode, for the node whose source is token_embd. Later calls return at once, so training
   * still computes each graph split in one go.
   */
  private readonly findTokenEmbedding = (tensor: unknown, ask: boolean): boolean => {
    if (this.tokenEmbd || !ask) return false;
    const head = koffi.decode(tensor, 'ggml_tensor_head') as { src: unknown[] };
    for (const src of head.src) {
      if (!src) continue;
      const t = koffi.decode(src, 'ggml_tensor_head') as { type: number; name: string };
      if (t.name === 'token_embd.weight' && t.type === GgmlType.F32) this.tokenEmbd = src;
    }
    return false;
  };

  private unregisterCallback(): void {
    if (this.evalCallback) koffi.unregister(this.evalCallback);
  }

  private assertAlive(): void {
    if (this.disposed) throw new EngineError('disposed', 'This trainer has been disposed.');
  }

  private writeParams(): void {
    koffi.encode(this.optParams, 'ggml_opt_optimizer_params', { adamw: this.adamw, sgd: { alpha: this.adamw.alpha, wd: this.adamw.wd } });
  }

  /**
   * The CPU backend takes its thread count only inside llama_decode; training before any
   * decode runs with ggml's default of 4 threads, which on 2 cores spends ~98% of the time
   * spinning in ggml_barrier. One single-token decode sets it (and resets it after a change).
   */
  private warmUp(): void {
    const api = this.api;
    const batch = api.llama_batch_init(1, 0, 1) as Record<string, unknown>;
    // Training leaves its last row in the KV cache; a decode at position 0 needs it empty.
    api.llama_memory_clear(api.llama_get_memory(this.ctx), true);
    try {
      koffi.encode(batch.token, 'int32_t', this.model.bos >= 0 ? this.model.bos : 0);
      koffi.encode(batch.pos, 'int32_t', 0);
      koffi.encode(batch.n_seq_id, 'int32_t', 1);
      koffi.encode(koffi.decode(batch.seq_id, 'void *'), 'int32_t', 0);
      koffi.encode(batch.logits, 'int8_t', 1);
      batch.n_tokens = 1;
      const rc = api.llama_decode(this.ctx, batch) as number;
      if (rc !== 0) throw new EngineError('decode-failed', `llama_decode failed with code ${rc} while preparing training.`);
    } finally {
      api.llama_batch_free(batch);
      api.llama_memory_clear(api.llama_get_memory(this.ctx), true);
    }
  }
}
