import koffi from 'koffi';
import { cpus } from 'node:os';
import { EngineError, abortError, throwIfAborted } from './errors.ts';
import type { LlamaApi } from './native/llamaApi.ts';
import type { EngineModel } from './EngineModel.ts';
import { HookDispatcher, type Hooks } from './hooks/HookDispatcher.ts';
import { LogSumExpKernel } from './kernel/LogSumExpKernel.ts';
import { generateText, type GenerateOptions, type GeneratedChunk, type StopReason } from './generateText.ts';
import { CachedSequence } from './CachedSequence.ts';
import { hooksKey } from './hooks/hooksKey.ts';

export interface ContextOptions {
  /** Context length in tokens. Default 512 (llama.cpp pads it to a multiple of 256). */
  contextSize?: number;
  /** Tokens per llama_decode call; also the physical batch, so hooks see whole batches. Default 512. */
  batchSize?: number;
  /** CPU threads. Default: the number of cores. */
  threads?: number;
  /**
   * F32 KV cache and no flash attention, so logits match a float32 reference to ~1e-6
   * (with the default F16 cache they move by ~1e-3). Slower; for tests and checks.
   */
  exact?: boolean;
  /**
   * Keep every position in the cache of the sliding-window layers (llama.cpp's default,
   * true). false sizes that cache to the window plus a batch: less memory, but old positions
   * get overwritten, and generation with reuseCache must then start over after an edit
   * further back than the window.
   */
  swaFull?: boolean;
}

/** Receives each llama_decode's logits, a view of llama.cpp's buffer valid only during the call. */
type LogitsSink = (logits: Float32Array, firstOutput: number, nOutputs: number) => void;

export interface EvaluateOptions {
  /** Which positions get logits. 'all' also makes the last layer compute every row. */
  outputs?: 'all' | 'last';
  /**
   * Copy the logits out (default true). Statistics need every row computed, not the logits:
   * without them, an observe-only pass stops right after the last layer's pre-activation and
   * never computes its logits (see EarlyStop; `hasLogits` is then false).
   */
  logits?: boolean;
  hooks?: Hooks;
  signal?: AbortSignal;
}

/**
 * One llama.cpp context with the neuron-hook callback installed. Every evaluation
 * starts a fresh sequence at position 0, so results never depend on earlier calls;
 * only generation with `reuseCache` keeps a prefix of the previous sequence (keepPrefix).
 */
export class EngineContext {
  private readonly handle: unknown;
  private readonly callbackHandle: ReturnType<typeof koffi.register>;
  private readonly batch: Record<string, unknown>;
  private readonly tokenView: Int32Array;
  private readonly posView: Int32Array;
  private readonly outView: Int8Array;
  private disposed = false;
  private lse?: LogSumExpKernel;
  /** False until a llama_decode completes its whole graph; see EarlyStop. */
  private logitsValid = false;
  /** What the KV cache's sequence 0 holds, so that generation can keep a common prefix. */
  private readonly held = new CachedSequence();
  private decoded = 0;
  /** The sliding window of the model's SWA layers; 0 where it has none. */
  private readonly nSwa: number;
  readonly dispatcher: HookDispatcher;
  readonly contextSize: number;
  readonly batchSize: number;

  constructor(
    private readonly api: LlamaApi,
    readonly model: EngineModel,
    options: ContextOptions,
    private readonly onDispose: () => void,
  ) {
    const facts = model.facts;
    this.dispatcher = new HookDispatcher(api, facts.ffn, facts.nLayer, model.nFf, facts.nEmbd);
    this.callbackHandle = koffi.register(this.dispatcher.callback, 'ggml_backend_sched_eval_callback *');
    const p = api.llama_context_default_params() as Record<string, unknown>;
    const batchSize = options.batchSize ?? 512;
    p.n_ctx = options.contextSize ?? 512;
    p.n_batch = batchSize;
    p.n_ubatch = batchSize;
    p.n_threads = p.n_threads_batch = options.threads ?? cpus().length;
    p.cb_eval = this.callbackHandle;
    if (options.exact) {
      p.type_k = p.type_v = 0; // GGML_TYPE_F32
      p.flash_attn_type = 0; // LLAMA_FLASH_ATTN_TYPE_DISABLED
    }
    p.no_perf = true;
    if (options.swaFull !== undefined) p.swa_full = options.swaFull;
    this.handle = api.llama_init_from_model(model.handle, p);
    if (!this.handle) {
      koffi.unregister(this.callbackHandle);
      throw new EngineError('context-failed', `llama.cpp could not create a context of ${String(p.n_ctx)} tokens for ${facts.fileName} (out of memory?). Try a smaller context size.`);
    }
    this.contextSize = api.llama_n_ctx(this.handle) as number;
    this.nSwa = api.llama_model_n_swa(model.handle) as number;
    this.batchSize = api.llama_n_batch(this.handle) as number;
    this.batch = api.llama_batch_init(this.batchSize, 0, 1) as Record<string, unknown>;
    const view = <T>(ptr: unknown, bytes: number, C: new (b: ArrayBuffer) => T) => new C(koffi.view(ptr, bytes) as ArrayBuffer);
    this.tokenView = view(this.batch.token, this.batchSize * 4, Int32Array);
    this.posView = view(this.batch.pos, this.batchSize * 4, Int32Array);
    this.outView = view(this.batch.logits, this.batchSize, Int8Array);
    view(this.batch.n_seq_id, this.batchSize * 4, Int32Array).fill(1);
    const seqPtrs = koffi.decode(this.batch.seq_id, 'void *', this.batchSize) as unknown[];
    for (const sp of seqPtrs) koffi.encode(sp, 'int32_t', 0);
  }

  get nVocab(): number {
    return this.model.nVocab;
  }

  private assertAlive(): void {
    if (this.disposed) throw new EngineError('disposed', 'This context has been disposed.');
    this.model.assertAlive();
  }

  /** Forgets all tokens, so the next decode starts at position 0. */
  clear(): void {
    this.assertAlive();
    this.api.llama_memory_clear(this.api.llama_get_memory(this.handle), true);
    this.held.reset();
  }

  private startOver(): 0 {
    this.clear();
    return 0;
  }

  /** Tokens that went through llama_decode in this context's life: how much a reused cache saved. */
  get decodedTokens(): number {
    return this.decoded;
  }

  /**
   * Keeps the longest prefix of the cached sequence that holds `tokens` computed under
   * hooks of key `key` (hooksKey), at most `max` positions, and removes the rest. Returns
   * how many were kept: decode `tokens` from there. 0 means the cache was cleared.
   */
  keepPrefix(tokens: ArrayLike<number>, key: string, max: number): number {
    this.assertAlive();
    const n = this.held.commonPrefix(tokens, key, max);
    const mem = this.api.llama_get_memory(this.handle);
    // llama_memory_seq_rm refuses a partial removal where the memory cannot undo one (the
    // recurrent state: llama-memory-recurrent.cpp, llama_memory_recurrent::seq_rm). A plain
    // or SWA KV cache always agrees (llama_kv_cache::seq_rm, llama-kv-cache.cpp:382; the
    // iSWA cache asks both of its caches, llama-kv-cache-iswa.cpp:113), but a sliding-window
    // cache may already have overwritten positions that the first new token still needs
    // (find_slot reuses cells masked by the window, llama-kv-cache.cpp:1057, and purges older
    // ones, :1176). llama-server's test for that (pos_min_thold, tools/server/
    // server-context.cpp:3281) is repeated here: the oldest position left must be at most
    // n - n_swa. -1 says the window cache kept none of 0..n-1 at all (the iSWA cache answers
    // for its SWA half, llama-kv-cache-iswa.cpp:142). Otherwise start again from empty.
    if (n === 0 || !(this.api.llama_memory_seq_rm(mem, 0, n, -1) as boolean)) return this.startOver();
    const oldest = this.api.llama_memory_seq_pos_min(mem, 0) as number;
    if (oldest < 0 || oldest > Math.max(0, n - this.nSwa)) return this.startOver();
    this.held.truncate(n);
    return n;
  }

  /**
   * Decodes `tokens` at positions start.., in chunks of the batch size, and returns the
   * logits of the positions asked for ([position][vocab], flattened).
   */
  decode(tokens: ArrayLike<number>, start: number, options: EvaluateOptions = {}): Float32Array {
    const { outputs = 'all', logits = true } = options;
    const nOut = outputs === 'all' ? tokens.length : tokens.length > 0 ? 1 : 0;
    const nVocab = this.nVocab;
    const result = new Float32Array(logits ? nOut * nVocab : 0);
    this.run(tokens, start, options, logits ? (view, first) => result.set(view, first * nVocab) : undefined);
    return result;
  }

  /** decode's loop: each batch's logits go to `sink` (none: no logits are read). */
  private run(tokens: ArrayLike<number>, start: number, options: EvaluateOptions, sink: LogitsSink | undefined): void {
    this.assertAlive();
    const { signal, hooks, outputs = 'all' } = options;
    if (start + tokens.length > this.contextSize) {
      throw new EngineError('context-overflow', `${start + tokens.length} tokens do not fit the context of ${this.contextSize}. Use shorter sequences or a larger context size.`);
    }
    const nVocab = this.nVocab;
    // llama_decode would only log "invalid token" and return -1, and the Int32Array below
    // would silently turn 2.5 into token 2.
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!Number.isInteger(t) || t < 0 || t >= nVocab) {
        throw new EngineError('bad-argument', `Token ${t} at position ${i} is not in the vocabulary of ${this.model.facts.fileName} (ids 0 to ${nVocab - 1}).`);
      }
    }
    let written = 0;
    // Without a sink nobody reads these logits, so an observe-only pass may stop early.
    this.dispatcher.set(hooks, signal ? () => signal.aborted : undefined, sink === undefined);
    const key = hooksKey(hooks);
    try {
      for (let off = 0; off < tokens.length; off += this.batchSize) {
        throwIfAborted(signal);
        const n = Math.min(this.batchSize, tokens.length - off);
        for (let i = 0; i < n; i++) {
          this.tokenView[i] = tokens[off + i];
          this.posView[i] = start + off + i;
          this.outView[i] = outputs === 'all' || off + i === tokens.length - 1 ? 1 : 0;
        }
        this.batch.n_tokens = n;
        this.dispatcher.beginDecode();
        this.logitsValid = false;
        const rc = this.api.llama_decode(this.handle, this.batch) as number;
        const d = this.dispatcher;
        this.logitsValid = rc === 0 && !d.earlyStop.stopped && !d.aborted && d.error === undefined;
        if (this.dispatcher.error !== undefined) throw this.dispatcher.error;
        if (this.dispatcher.aborted) throw abortError(signal);
        if (rc !== 0) throw new EngineError('decode-failed', `llama_decode failed with code ${rc}.`);
        this.decoded += n;
        this.held.append(start + off, Array.prototype.slice.call(tokens, off, off + n) as number[], key);
        const outsHere = outputs === 'all' ? n : off + n === tokens.length ? 1 : 0;
        if (outsHere > 0 && sink) {
          // Never: a pass with a sink does not stop early. Guarded so that it stays so.
          if (!this.logitsValid) throw this.invalidLogits();
          const ptr = this.api.llama_get_logits(this.handle);
          sink(new Float32Array(koffi.view(ptr, outsHere * nVocab * 4) as ArrayBuffer), written, outsHere);
          written += outsHere;
        }
      }
    } catch (err) {
      // A half-decoded sequence is useless; drop it so the context stays usable.
      this.api.llama_memory_clear(this.api.llama_get_memory(this.handle), true);
      this.held.reset();
      throw err;
    } finally {
      this.dispatcher.set(undefined);
    }
  }

  /** A fresh forward pass over `tokens`; logits for every position (or the last). */
  evaluate(tokens: ArrayLike<number>, options: EvaluateOptions = {}): Float32Array {
    this.clear();
    return this.decode(tokens, 0, options);
  }

  /**
   * log p(tokens[i+1] | tokens[0..i]) for every i: what perplexity is made of.
   * Every position gets an output, as the reference ppl.py's full forward does.
   */
  scoreTokens(tokens: ArrayLike<number>, options: Omit<EvaluateOptions, 'outputs' | 'logits'> = {}): Float64Array {
    const out = new Float64Array(Math.max(0, tokens.length - 1));
    const nVocab = this.nVocab;
    // Each batch's rows are read where llama.cpp wrote them, never copied out as a whole
    // (512 rows x 262,144 floats is 512 MiB on Gemma).
    this.lse ??= new LogSumExpKernel();
    const lse = this.lse;
    this.clear();
    this.run(tokens, 0, { ...options, outputs: 'all' }, (view, first, n) => {
      for (let r = 0; r < n && first + r + 1 < tokens.length; r++) out[first + r] = lse.logSoftmaxAt(view, r, nVocab, tokens[first + r + 1]);
    });
    return out;
  }

  /** Streams a continuation of `prompt`; see generateText. */
  generate(prompt: ArrayLike<number>, options: GenerateOptions = {}): AsyncGenerator<GeneratedChunk, StopReason> {
    this.assertAlive();
    return generateText(this.api, this, prompt, options);
  }

  /**
   * llama.cpp's own control vector (`llama_set_adapter_cvec`): `data` holds n_embd floats
   * for each block from 1 (block 0 never gets one), added to the output of blocks
   * [from, to]. `null` removes it.
   */
  setControlVector(data: Float32Array | null, from = 1, to = this.model.facts.nLayer - 1): void {
    this.assertAlive();
    const nEmbd = this.model.facts.nEmbd;
    if (data && data.length !== nEmbd * (this.model.facts.nLayer - 1)) {
      throw new EngineError('bad-argument', `A control vector for ${this.model.facts.fileName} has ${nEmbd} x ${this.model.facts.nLayer - 1} values (blocks 1 to ${this.model.facts.nLayer - 1}), got ${data.length}.`);
    }
    // The cached keys and values were computed without this vector: never reuse them.
    this.held.forget();
    const rc = this.api.llama_set_adapter_cvec(this.handle, data, data ? data.length : 0, nEmbd, data ? from : -1, data ? to : -1) as number;
    if (rc !== 0) throw new EngineError('bad-argument', `llama.cpp refused the control vector for ${this.model.facts.fileName} (see its log).`);
  }

  /** The raw llama_context pointer, for the sampler, which reads the last decode's logits. */
  get nativeHandle(): unknown {
    this.assertAlive();
    if (!this.logitsValid) throw this.invalidLogits();
    return this.handle;
  }

  /** Whether the last llama_decode computed its logits (it did not if it stopped early or failed). */
  get hasLogits(): boolean {
    return this.logitsValid;
  }

  private invalidLogits(): EngineError {
    return new EngineError('logits-invalid', `The last pass on ${this.model.facts.fileName} computed no logits (it was asked for none, and stopped after the last layer's activations, or it failed). Decode again with logits before sampling.`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.api.llama_batch_free(this.batch);
    this.api.llama_free(this.handle);
    koffi.unregister(this.callbackHandle);
    this.disposed = true;
    this.onDispose();
  }
}
