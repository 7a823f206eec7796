import { LlamaEngine, gpuChoiceOf, gpuFallbackMessage, type EngineContext, type EngineModel } from '../engine/index.ts';
import type { GpuSetting } from '../protocol/gpuSetting.ts';
import type { ModelOptions, PipelineProgress } from '../protocol/pipelineTypes.ts';
import { resolveModel } from './demoModel.ts';

export interface EngineSessionOptions {
  /** The llama.cpp build; left out, LAPE_GPU decides (unset: auto). */
  gpu?: GpuSetting;
  /** Told once, when the engine starts on another build than the GPU one it tried (a failed GPU self-test). */
  onWarning?: (message: string) => void;
}

/**
 * Keeps one engine, one loaded model and one context per process, so that a second
 * request on the same model does not load it again.
 */
export class EngineSession {
  private engine?: LlamaEngine;
  private model?: EngineModel;
  private modelKey = '';
  private context?: EngineContext;
  private contextKey = '';

  constructor(private readonly options: EngineSessionOptions = {}) {}

  async getEngine(): Promise<LlamaEngine> {
    if (!this.engine) {
      const { gpu, onWarning } = this.options;
      this.engine = await LlamaEngine.create({ gpu: gpu === undefined ? undefined : gpuChoiceOf(gpu) });
      if (this.engine.gpuFallback) onWarning?.(gpuFallbackMessage(this.engine.gpuFallback, this.engine.gpu));
    }
    return this.engine;
  }

  async getModel(options: ModelOptions, signal?: AbortSignal, onProgress?: (p: PipelineProgress) => void): Promise<EngineModel> {
    // A catalogue name costs a stat here after its first check: fetchModel remembers the
    // file it verified (size and mtime) for the life of the process.
    const path = await resolveModel(options.model, { signal, onProgress });
    const key = `${path}|${options.gpuLayers ?? -1}`;
    if (this.model && !this.model.isDisposed && this.modelKey === key) return this.model;
    this.releaseModel();
    const engine = await this.getEngine();
    onProgress?.({ phase: 'load', message: `Loading ${path}`, done: 0, total: 1 });
    this.model = await engine.loadModel(path, {
      gpuLayers: options.gpuLayers,
      signal,
      onProgress: (f) => onProgress?.({ phase: 'load', message: `Loading ${path}`, done: f, total: 1 }),
    });
    this.modelKey = key;
    return this.model;
  }

  /** A context of at least `minContext` tokens on the current model. */
  async getContext(options: ModelOptions, minContext: number, signal?: AbortSignal, onProgress?: (p: PipelineProgress) => void): Promise<EngineContext> {
    const model = await this.getModel(options, signal, onProgress);
    const size = Math.max(minContext, options.contextSize ?? 0);
    const batch = batchSizeFor(model.facts.nVocab, size);
    // The batch follows from the model and the size, which the key already holds.
    const key = `${this.modelKey}|${size}|${options.threads ?? 0}`;
    if (this.context && this.contextKey === key) return this.context;
    this.context?.dispose();
    this.context = model.createContext({ contextSize: size, batchSize: batch, threads: options.threads });
    this.contextKey = key;
    return this.context;
  }

  private releaseModel(): void {
    this.context?.dispose();
    this.context = undefined;
    this.model?.dispose();
    this.model = undefined;
  }

  dispose(): void {
    this.releaseModel();
    this.engine?.dispose();
    this.engine = undefined;
  }
}

/** Bytes of logits one batch may hold: the output buffer and the graph's output tensor are batch x vocabulary floats each. */
export const LOGITS_BUDGET_BYTES = 128 * 2 ** 20;

/**
 * Tokens per llama_decode call: at most 512, and few enough that a batch's logits stay within
 * LOGITS_BUDGET_BYTES. With Gemma's 262,144-word vocabulary a 512-token batch needs 512 MiB
 * for the logits alone, allocated twice over (the output buffer and the compute graph), so
 * Gemma gets 128-token batches; a 32k-vocabulary model keeps 512. Sequences longer than a
 * batch are evaluated in several calls on the same KV cache, which gives the same numbers.
 */
export function batchSizeFor(nVocab: number, contextSize: number): number {
  const byVocab = nVocab > 0 ? Math.floor(LOGITS_BUDGET_BYTES / (4 * nVocab) / 32) * 32 : 512;
  return Math.min(contextSize, Math.max(32, Math.min(512, byVocab)));
}
