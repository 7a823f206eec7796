import * as vscode from 'vscode';
import type { ModelOptions } from '../protocol/analysisProtocol.ts';
import { PAPER_LANGUAGES } from '../protocol/paperLanguages.ts';
import { GPU_SETTING_ENV, isGpuSetting, type GpuSetting } from '../protocol/gpuSetting.ts';
import { STEERING_METHODS, type SteeringMethod } from '../protocol/steering.ts';
import { settingTarget, trustedSetting } from './trustedSetting.ts';

const SECTION = 'languageNeurons';

export interface DetectionSettings {
  budget: number;
  languages: string[];
  perplexity: boolean;
  /** Record residual means (residual-means.json), which DiffMean steering needs. */
  residualMeans: boolean;
}

/**
 * The `languageNeurons.*` settings, read trust-aware: in an untrusted workspace the model
 * path and the results folder come from user settings only (they name files to load and
 * folders to write), and everything re-reads when trust is granted.
 */
export class LapeConfiguration implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];

  readonly onDidChange: vscode.Event<void> = this.changed.event;

  constructor() {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SECTION)) this.changed.fire(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    ];
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** The model path or 'demo'; undefined when none is chosen. */
  modelPath(): string | undefined {
    const value = trustedSetting(this.config().inspect<string>('modelPath'), this.trusted);
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  modelOptions(): ModelOptions | undefined {
    const model = this.modelPath();
    if (model === undefined) return undefined;
    const c = this.config();
    const positive = (key: string): number | undefined => {
      const v = c.get<number | null>(key);
      return typeof v === 'number' && v > 0 ? v : undefined;
    };
    const gpuLayers = c.get<number | null>('gpuLayers');
    return { model, gpuLayers: typeof gpuLayers === 'number' && gpuLayers >= 0 ? gpuLayers : undefined, contextSize: positive('contextSize'), threads: positive('threads') };
  }

  detection(): DetectionSettings {
    const c = this.config();
    return {
      budget: c.get<number>('detection.budget', 20_000),
      languages: c.get<string[]>('detection.languages', [...PAPER_LANGUAGES]),
      perplexity: c.get<boolean>('detection.perplexity', false),
      residualMeans: c.get<boolean>('detection.residualMeans', false),
    };
  }

  /** How "Force output language" steers completions; an unknown value falls back to the first method. */
  steeringMethod(): SteeringMethod {
    const value = this.config().get<string>('steeringMethod');
    return STEERING_METHODS.find((m) => m === value) ?? STEERING_METHODS[0];
  }

  /** The llama.cpp build for the analysis process; an unknown value counts as auto. */
  gpu(): GpuSetting {
    const value = this.config().get<string>('gpu');
    return isGpuSetting(value) ? value : 'auto';
  }

  /**
   * What the analysis process gets in its environment: LAPE_GPU, unless the setting is auto
   * (then a LAPE_GPU that VS Code itself was started with still applies).
   */
  analysisEnv(): Record<string, string> {
    const gpu = this.gpu();
    return gpu === 'auto' ? {} : { [GPU_SETTING_ENV]: gpu };
  }

  resultsFolder(): string {
    return trustedSetting(this.config().inspect<string>('resultsFolder'), this.trusted) ?? '.lape';
  }

  /** Writes where the value takes effect: over a workspace value that would win, else the user settings. */
  async setModelPath(path: string): Promise<void> {
    const c = this.config();
    const target = settingTarget(c.inspect<string>('modelPath'), this.trusted) === 'workspace'
      ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await c.update('modelPath', path, target);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }
}
