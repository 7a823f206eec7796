import { basename } from 'node:path';
import { catalogueModel, isBuiltinModel } from '../protocol/modelCatalogue.ts';
import { Emitter, type Event } from 'vscode-jsonrpc';
import { ModelInfoRequest, type ModelInfo, type ModelOptions } from '../protocol/analysisProtocol.ts';
import type { AnalysisClient, AnalysisRequestOptions } from './AnalysisClient.ts';

/** A short name for a model setting: the file name, a catalogued model's title, or "built-in model". */
export function modelLabel(model: string): string {
  if (isBuiltinModel(model)) return 'built-in model';
  return catalogueModel(model)?.title ?? basename(model);
}

/**
 * The chosen model and, once the analysis process has opened it, its description. The
 * choice itself lives in the settings; this only remembers what was loaded for which
 * choice, so the status bar can say "loaded". vscode-free.
 */
export class ModelState {
  private readonly client: AnalysisClient;
  private readonly options: () => ModelOptions | undefined;
  private readonly changed = new Emitter<void>();
  private loaded: { model: string; info: ModelInfo } | undefined;

  readonly onDidChange: Event<void> = this.changed.event;

  constructor(client: AnalysisClient, options: () => ModelOptions | undefined) {
    this.client = client;
    this.options = options;
  }

  /** The model options to send, or undefined when no model is chosen. */
  current(): ModelOptions | undefined {
    return this.options();
  }

  /** The description of the chosen model, if it was loaded since it was chosen. */
  get info(): ModelInfo | undefined {
    const model = this.options()?.model;
    return model !== undefined && this.loaded?.model === model ? this.loaded.info : undefined;
  }

  get label(): string | undefined {
    const model = this.options()?.model;
    return model === undefined ? undefined : (this.info?.fileName ?? modelLabel(model));
  }

  /** Loads (or reuses) the chosen model in the analysis process. */
  async load(request: AnalysisRequestOptions = {}): Promise<ModelInfo> {
    const options = this.options();
    if (!options) throw new Error('No model is chosen. Run "Language Neurons: Choose Model…" first.');
    if (this.info) return this.info;
    const info = await this.client.request(ModelInfoRequest, options, { label: `Loading ${modelLabel(options.model)}`, ...request });
    this.loaded = { model: options.model, info };
    this.changed.fire();
    return info;
  }

  /** The settings changed or the process restarted: what was loaded may be gone. */
  forget(): void {
    if (this.loaded === undefined) return;
    this.loaded = undefined;
    this.changed.fire();
  }

  /** Signals listeners (status bar, context keys) after the model choice changed. */
  notifyChoiceChanged(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
