import * as vscode from 'vscode';
import { ExportResultsRequest, ReidentifyRequest, type ExportFormat, type IdentifyParams } from '../protocol/analysisProtocol.ts';
import type { AnalysisClient } from './AnalysisClient.ts';
import { checkRate } from './inputValidation.ts';
import type { ModelState } from './ModelState.ts';
import type { ResultsFolders } from './ResultsFolders.ts';
import type { ResultsEntry } from './ResultsStore.ts';
import { runWithProgress } from './runWithProgress.ts';
import { showAnalysisError } from './showAnalysisError.ts';

const PARAMS: { key: keyof IdentifyParams; name: string; prompt: string }[] = [
  { key: 'topRate', name: 'top_rate', prompt: 'Share of all neurons to select, lowest LAPE first (paper: 0.01)' },
  { key: 'filterRate', name: 'filter_rate', prompt: 'Keep a neuron only if some language activates it above this quantile (paper: 0.95)' },
  { key: 'activationBarRatio', name: 'activation_bar_ratio', prompt: 'A selected neuron belongs to the languages above this quantile (paper: 0.95)' },
];

const FORMATS: { label: string; description: string; format: ExportFormat }[] = [
  { label: 'JSON', description: 'neuron sets with LAPE and probabilities', format: 'json' },
  { label: 'CSV', description: 'one row per selected neuron', format: 'csv' },
  { label: 'PyTorch mask (.pth)', description: "the reference code's activation_mask format", format: 'pth' },
  { label: 'LoRA adapter (.gguf)', description: 'deactivates a language in llama.cpp (--lora)', format: 'lora' },
];

/**
 * Commands on saved results: re-identify with other thresholds (statistics only, no
 * model), open a results folder from anywhere, reload, and export.
 */
export function registerResultsCommands(context: vscode.ExtensionContext, deps: { client: AnalysisClient; folders: ResultsFolders; model: ModelState }): void {
  const { client, folders, model } = deps;
  const { store } = folders;

  /** The results a command acts on: the tree node it was run on, the only one, or a pick. */
  const target = async (arg: unknown, title: string): Promise<ResultsEntry | undefined> => {
    const dir = typeof arg === 'object' && arg !== null && 'dir' in arg ? String((arg as { dir: unknown }).dir) : undefined;
    if (dir !== undefined) return store.get(dir);
    const entries = store.entries();
    if (entries.length <= 1) {
      if (entries.length === 0) void vscode.window.showInformationMessage('No results yet: run "Language Neurons: Detect Language Neurons" or open a results folder.');
      return entries[0];
    }
    const picked = await vscode.window.showQuickPick(entries.map((e) => ({ label: e.view.summary.model.fileName, description: e.view.summary.languages.join(' '), detail: e.dir, entry: e })), { title });
    return picked?.entry;
  };

  const reidentify = async (arg?: unknown): Promise<void> => {
    const entry = await target(arg, 'Re-identify which results?');
    if (!entry) return;
    const params: Partial<IdentifyParams> = {};
    for (const [i, p] of PARAMS.entries()) {
      const value = await vscode.window.showInputBox({
        title: `Re-identify with thresholds (${i + 1}/3): ${p.name}`, prompt: p.prompt, value: String(entry.view.summary.params[p.key]), validateInput: checkRate, ignoreFocusOut: true,
      });
      if (value === undefined) return;
      params[p.key] = Number(value);
    }
    try {
      const view = await runWithProgress('Re-identifying language neurons', (hooks) =>
        client.request(ReidentifyRequest, { resultsDir: entry.dir, params }, { token: hooks.token, label: 'Re-identifying' }));
      store.set(entry.dir, view, entry.origin);
      void vscode.window.showInformationMessage(`Re-identified: ${view.neurons.selected.length} language-specific neurons.`);
    } catch (error) {
      await showAnalysisError(error, 'Re-identification failed');
    }
  };

  const openFolder = async (): Promise<void> => {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Open results', title: 'A results folder (with summary.json) written by the extension or `lape detect`' });
    if (!picked?.[0]) return;
    try {
      await folders.open(picked[0].fsPath);
      await vscode.commands.executeCommand('languageNeurons.neurons.focus');
    } catch (error) {
      await showAnalysisError(error, `Could not open ${picked[0].fsPath}`);
    }
  };

  const exportResults = async (arg?: unknown): Promise<void> => {
    const entry = await target(arg, 'Export which results?');
    if (!entry) return;
    const pick = await vscode.window.showQuickPick(FORMATS, { title: 'Export language neurons as' });
    if (!pick) return;
    let language: string | undefined;
    if (pick.format === 'lora') {
      language = await vscode.window.showQuickPick(entry.view.summary.languages, { title: 'The LoRA adapter deactivates the neurons of' });
      if (!language) return;
    }
    try {
      const { files } = await runWithProgress(`Exporting ${pick.label}`, (hooks) => client.request(ExportResultsRequest, {
        resultsDir: entry.dir, format: pick.format, language, model: pick.format === 'lora' ? model.current()?.model : undefined,
      }, { token: hooks.token, label: `Exporting ${pick.label}` }));
      const choice = await vscode.window.showInformationMessage(`Exported ${files.length === 1 ? files[0] : `${files.length} files`}.`, 'Reveal');
      if (choice === 'Reveal' && files[0]) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(files[0]));
    } catch (error) {
      await showAnalysisError(error, 'Export failed');
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('languageNeurons.reidentify', reidentify),
    vscode.commands.registerCommand('languageNeurons.openResultsFolder', openFolder),
    vscode.commands.registerCommand('languageNeurons.refreshResults', () => folders.reload()),
    vscode.commands.registerCommand('languageNeurons.exportResults', exportResults),
  );
}
