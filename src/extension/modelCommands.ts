import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { DownloadModelRequest } from '../protocol/analysisProtocol.ts';
import { checkModelUri } from '../protocol/modelUri.ts';
import { catalogueModel, formatBytes, isBuiltinModel, MODEL_CATALOGUE } from '../protocol/modelCatalogue.ts';
import type { AnalysisClient } from './AnalysisClient.ts';
import type { LapeConfiguration } from './LapeConfiguration.ts';
import { modelLabel, type ModelState } from './ModelState.ts';
import { runWithProgress } from './runWithProgress.ts';
import { showAnalysisError } from './showAnalysisError.ts';

const RECENT_KEY = 'languageNeurons.recentModels';
const MAX_RECENT = 10;

interface ModelPick extends vscode.QuickPickItem {
  run(): Promise<boolean>;
}

/**
 * Choosing a model: from disk, from recently used models, the built-in demo model, or a
 * Hugging Face download (done by the analysis process into global storage). A choice is
 * written to `languageNeurons.modelPath`, remembered in the recent list, and loaded once
 * so that problems show at once.
 */
export function registerModelCommands(context: vscode.ExtensionContext, deps: { client: AnalysisClient; config: LapeConfiguration; model: ModelState }): void {
  const { client, config, model } = deps;

  const recent = (): string[] => (context.globalState.get<string[]>(RECENT_KEY) ?? []).filter((p) => isBuiltinModel(p) || catalogueModel(p) !== undefined || existsSync(p));

  const use = async (path: string): Promise<boolean> => {
    await config.setModelPath(path);
    await context.globalState.update(RECENT_KEY, [path, ...recent().filter((p) => p !== path)].slice(0, MAX_RECENT));
    model.forget();
    model.notifyChoiceChanged();
    if (config.modelPath() !== path) {
      void vscode.window.showWarningMessage(`The model was saved, but another languageNeurons.modelPath setting (${config.modelPath() ?? 'none'}) takes precedence here.`);
    }
    try {
      const info = await runWithProgress(`Loading ${modelLabel(path)}`, (hooks) => model.load(hooks));
      void vscode.window.showInformationMessage(`Model ready: ${info.fileName} (${info.architecture}, ${info.nLayer} layers × ${info.nFf} FFN neurons, ${info.backend}).`);
    } catch (error) {
      await showAnalysisError(error, `Could not load ${modelLabel(path)}`);
    }
    return true;
  };

  const chooseFile = async (): Promise<boolean> => {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: 'Use this model', title: 'Choose a GGUF model', filters: { 'GGUF models': ['gguf'], 'All files': ['*'] },
    });
    return picked?.[0] ? use(picked[0].fsPath) : false;
  };

  const useDemo = (): Promise<boolean> => use('demo');

  // From the welcome view's link (with the name) or the palette (a pick of the catalogue).
  const useNamed = async (name?: unknown): Promise<boolean> => {
    if (typeof name === 'string' && catalogueModel(name) !== undefined) return use(name);
    const picked = await vscode.window.showQuickPick(
      MODEL_CATALOGUE.map((m) => ({ label: m.title, description: `${formatBytes(m.bytes)} · ${m.licence}`, detail: m.licenceUrl, name: m.name })),
      { title: 'Use a named model (fetched once into ~/.cache/lape, verified by SHA-256)' },
    );
    return picked ? use(picked.name) : false;
  };

  const download = async (): Promise<boolean> => {
    const uri = await vscode.window.showInputBox({
      title: 'Download a GGUF model', prompt: 'Hugging Face URI (hf:owner/repo:quant) or an https:// URL of a .gguf file',
      placeHolder: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M', ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? undefined : checkModelUri(value)),
    });
    if (!uri?.trim()) return false;
    const directory = vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath;
    try {
      const result = await runWithProgress(`Downloading ${uri.trim()}`, (hooks) =>
        client.request(DownloadModelRequest, { uri: uri.trim(), directory }, { ...hooks, label: 'Downloading a model' }));
      return use(result.path);
    } catch (error) {
      await showAnalysisError(error, `Could not download ${uri.trim()}`);
      return false;
    }
  };

  const choose = async (): Promise<boolean> => {
    const current = config.modelPath();
    const picks: (ModelPick | vscode.QuickPickItem)[] = [
      { label: '$(folder-opened) Choose a GGUF file…', run: chooseFile },
      // Named models: fetched once into the cache (progress and cancel in the notification), verified by SHA-256.
      ...MODEL_CATALOGUE.map((m) => ({
        label: `$(sparkle) ${m.title}`, description: `${formatBytes(m.bytes)} · ${m.licence}`, detail: `Fetched once into ~/.cache/lape and checked by SHA-256 · licence: ${m.licenceUrl}`,
        run: () => use(m.name),
      })),
      { label: '$(beaker) Built-in model', description: 'tiny, offline, trained by this project: fast to try, too small to show the paper\'s finding', run: useDemo },
      { label: '$(cloud-download) Download from Hugging Face…', description: 'hf:owner/repo:quant', run: download },
    ];
    const recentModels = recent().filter((p) => !isBuiltinModel(p) && catalogueModel(p) === undefined);
    if (recentModels.length > 0) {
      picks.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
      for (const path of recentModels) {
        picks.push({ label: `$(history) ${modelLabel(path)}`, description: path === current ? 'current' : undefined, detail: path, run: () => use(path) });
      }
    }
    const picked = await vscode.window.showQuickPick(picks, { title: 'Choose the model to analyse', placeHolder: current ? `Current: ${modelLabel(current)}` : 'No model chosen yet' });
    return picked && 'run' in picked ? picked.run() : false;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('languageNeurons.chooseModel', choose),
    vscode.commands.registerCommand('languageNeurons.chooseModelFile', chooseFile),
    vscode.commands.registerCommand('languageNeurons.useDemoModel', useDemo),
    vscode.commands.registerCommand('languageNeurons.useNamedModel', useNamed),
    vscode.commands.registerCommand('languageNeurons.downloadModel', download),
  );
}
