import koffi from 'koffi';
import { EngineError, abortError, throwIfAborted } from './errors.ts';
import { loadLibraries, type GpuChoice, type LoadedLibraries } from './native/loadLibraries.ts';
import { llamaLogMark, llamaLogSince } from './native/logger.ts';
import { readModelFacts } from './modelFacts.ts';
import { EngineModel } from './EngineModel.ts';

export interface LlamaEngineOptions {
  /**
   * Which node-llama-cpp build to use; 'auto' picks as its getLlama() does, trusting a GPU
   * build only after its self-test. Left out, LAPE_GPU decides (unset: 'auto').
   */
  gpu?: GpuChoice;
}

export interface LoadModelOptions {
  /** Layers to offload to the GPU; -1 (default) offloads all when a GPU build is loaded. */
  gpuLayers?: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** The llama.cpp libraries of node-llama-cpp, loaded through koffi for the eval callback. */
export class LlamaEngine {
  private readonly models = new Set<EngineModel>();
  private disposed = false;

  private constructor(private readonly libs: LoadedLibraries) {}

  static async create(options: LlamaEngineOptions = {}): Promise<LlamaEngine> {
    return new LlamaEngine(await loadLibraries(options.gpu));
  }

  /**
   * An engine on libraries this process opened itself, with no choice and no self-test: for
   * the self-test's own child (native/gpuCheckMain.ts). Everything else uses create().
   */
  static fromLibraries(libs: LoadedLibraries): LlamaEngine {
    return new LlamaEngine(libs);
  }

  /** 'cuda' | 'vulkan' | 'metal' | false (CPU), as node-llama-cpp names its builds. */
  get gpu(): LoadedLibraries['gpu'] {
    return this.libs.gpu;
  }

  /** Set when 'auto' passed over a GPU build whose self-test failed; gpuFallbackMessage() says it to people. */
  get gpuFallback(): LoadedLibraries['gpuFallback'] {
    return this.libs.gpuFallback;
  }

  get devices(): LoadedLibraries['devices'] {
    return this.libs.devices;
  }

  get binariesDir(): string {
    return this.libs.binsDir;
  }

  async loadModel(path: string, options: LoadModelOptions = {}): Promise<EngineModel> {
    if (this.disposed) throw new EngineError('disposed', 'The engine has been disposed.');
    const { signal, onProgress } = options;
    const facts = await readModelFacts(path, signal);
    throwIfAborted(signal);
    const api = this.libs.api;
    const params = api.llama_model_default_params() as Record<string, unknown>;
    params.n_gpu_layers = this.libs.gpu === false ? 0 : (options.gpuLayers ?? -1);
    const progress = koffi.register((p: number) => {
      onProgress?.(p);
      return !signal?.aborted;
    }, 'llama_progress_callback *');
    params.progress_callback = progress;
    const mark = llamaLogMark();
    let handle: unknown;
    try {
      // Loading runs on a koffi worker thread so that progress and abort reach JS meanwhile.
      handle = await new Promise<unknown>((resolve, reject) => {
        (api.llama_model_load_from_file as unknown as { async: (...a: unknown[]) => void }).async(path, params, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res)));
      });
    } finally {
      koffi.unregister(progress);
    }
    if (!handle) {
      if (signal?.aborted) throw abortError(signal);
      const log = llamaLogSince(mark).filter((l) => /error|fail|invalid|missing|unknown|wrong/i.test(l)).slice(-3);
      throw new EngineError('load-failed', `llama.cpp could not load ${path}${log.length ? `: ${log.join(' | ')}` : ''}.`);
    }
    const model = new EngineModel(api, handle, facts, () => this.models.delete(model));
    this.models.add(model);
    return model;
  }

  dispose(): void {
    for (const m of [...this.models]) m.dispose();
    this.disposed = true;
  }
}
