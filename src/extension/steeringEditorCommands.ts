import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { GenerateRequest, type GenerateParams } from '../protocol/analysisProtocol.ts';
import { forceLanguageSpec } from '../protocol/steering.ts';
import type { SteeringSpec } from '../protocol/steering.ts';
import type { AnalysisClient } from './AnalysisClient.ts';
import type { ModelState } from './ModelState.ts';
import type { ResultsStore } from './ResultsStore.ts';
import type { SteeringStore } from './SteeringStore.ts';
import { languageName } from './languageName.ts';
import { showAnalysisError } from './showAnalysisError.ts';

export interface SteeringEditorDeps {
  client: AnalysisClient;
  model: ModelState;
  results: ResultsStore;
  steering: SteeringStore;
}

/**
 * The steering commands that write: "Force output language" (the paper's recipe in one
 * click), continuing a selection in a language, comparing steered and unsteered text, and
 * the translate-by-steering experiment.
 */
export function registerSteeringEditorCommands(context: vscode.ExtensionContext, deps: SteeringEditorDeps): void {
  const { results, steering } = deps;

  const pickLanguage = async (title: string, exclude?: string): Promise<string | undefined> => {
    const langs = results.current?.view.summary.languages;
    if (!langs) {
      const choice = await vscode.window.showWarningMessage('Steering needs detected language neurons for the current model.', 'Detect Language Neurons');
      if (choice) void vscode.commands.executeCommand('languageNeurons.detect');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(langs.filter((l) => l !== exclude).map((l) => ({ label: languageName(l), description: l, code: l })), { title });
    return picked?.code;
  };

  const forceLanguage = async (code?: string): Promise<void> => {
    const target = typeof code === 'string' ? code : await pickLanguage('Force output language');
    const langs = results.current?.view.summary.languages;
    if (!target || !langs) return;
    if (!langs.includes(target)) {
      void vscode.window.showErrorMessage(`"${target}" is not among the detected languages (${langs.join(', ')}).`);
      return;
    }
    await steering.putSet({ name: `Force ${target}`, spec: forceLanguageSpec(langs, target), force: target });
    await steering.setEnabled(true);
  };

  const promptAt = (editor: vscode.TextEditor): { text: string; end: vscode.Position } => {
    const sel = editor.selection;
    if (!sel.isEmpty) return { text: editor.document.getText(sel), end: sel.end };
    const line = editor.document.lineAt(sel.active.line);
    return { text: editor.document.getText(new vscode.Range(new vscode.Position(0, 0), sel.active)) || line.text, end: sel.active };
  };

  const generate = async (prompt: string, spec: SteeringSpec | undefined, title: string, onText?: (t: string) => void): Promise<string | undefined> => {
    const model = deps.model.current();
    if (!model) {
      void vscode.commands.executeCommand('languageNeurons.chooseModel');
      return undefined;
    }
    const params: GenerateParams = { ...model, prompt, resultsDir: spec ? results.current?.dir : undefined, steering: spec, maxTokens: vscode.workspace.getConfiguration('languageNeurons').get<number>('generation.maxTokens', 96), temperature: 0 };
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      const cts = new CancellationTokenSource();
      const sub = token.onCancellationRequested(() => cts.cancel());
      try {
        return (await deps.client.request(GenerateRequest, params, { token: cts.token, onText, label: title })).text;
      } catch (err) {
        if (!token.isCancellationRequested) void showAnalysisError(err, title);
        return undefined;
      } finally {
        sub.dispose();
        cts.dispose();
      }
    });
  };

  const continueSelection = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const target = await pickLanguage('Continue in language');
    const langs = results.current?.view.summary.languages;
    if (!target || !langs) return;
    const { text, end } = promptAt(editor);
    let at = end;
    // Stream into the editor, one edit at a time, so that undo takes the whole continuation back.
    let pending = Promise.resolve();
    await generate(text, forceLanguageSpec(langs, target), `Continuing in ${languageName(target)}`, (chunk) => {
      pending = pending.then(async () => {
        const ok = await editor.edit((b) => b.insert(at, chunk), { undoStopBefore: false, undoStopAfter: false });
        if (ok) at = editor.document.positionAt(editor.document.offsetAt(at) + chunk.length);
      });
    });
    await pending;
  };

  const showSideBySide = async (left: string, right: string, title: string): Promise<void> => {
    const a = await vscode.workspace.openTextDocument({ content: left, language: 'markdown' });
    const b = await vscode.workspace.openTextDocument({ content: right, language: 'markdown' });
    await vscode.commands.executeCommand('vscode.diff', a.uri, b.uri, title);
  };

  const compare = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const spec = steering.effectiveSpec() ?? (await (async () => {
      const target = await pickLanguage('Steering is off: compare with "Force output language"…');
      const langs = results.current?.view.summary.languages;
      return target && langs ? forceLanguageSpec(langs, target) : undefined;
    })());
    if (!spec) return;
    const { text } = promptAt(editor);
    const plain = await generate(text, undefined, 'Generating without steering');
    if (plain === undefined) return;
    const steered = await generate(text, spec, 'Generating with steering');
    if (steered === undefined) return;
    await showSideBySide(`${text}${plain}`, `${text}${steered}`, 'Unsteered ↔ Steered');
  };

  const translate = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const from = await pickLanguage('Translate by steering: the language of the prompt');
    if (!from) return;
    const to = await pickLanguage('… continued in', from);
    if (!to) return;
    const { text } = promptAt(editor);
    // The prompt's language is known here: the Force recipe deactivates only it.
    const langs = results.current?.view.summary.languages ?? [from, to];
    const spec = forceLanguageSpec(langs, to, { source: from, deactivate: 'source' });
    const out = await generate(text, spec, `${languageName(from)} deactivated, ${languageName(to)} activated`);
    if (out === undefined) return;
    const plain = await generate(text, undefined, 'Generating without steering');
    if (plain === undefined) return;
    await showSideBySide(`${text}${plain}`, `${text}${out}`, `Translate by steering: ${from} → ${to}`);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('languageNeurons.steering.forceLanguage', forceLanguage),
    vscode.commands.registerCommand('languageNeurons.continueSelection', continueSelection),
    vscode.commands.registerCommand('languageNeurons.compareSteering', compare),
    vscode.commands.registerCommand('languageNeurons.translateBySteering', translate),
  );
}
