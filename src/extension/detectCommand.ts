import * as vscode from 'vscode';
import { DetectRequest, LanguagesRequest, type CorpusChoice, type LanguageEntry } from '../protocol/analysisProtocol.ts';
import { PAPER_LANGUAGES } from '../protocol/paperLanguages.ts';
import type { AnalysisClient } from './AnalysisClient.ts';
import { checkBudget, parseBudget } from './inputValidation.ts';
import type { LapeConfiguration } from './LapeConfiguration.ts';
import { languageName } from './languageName.ts';
import type { ModelState } from './ModelState.ts';
import type { ResultsFolders } from './ResultsFolders.ts';
import { resultsDirFor } from './resultsLocation.ts';
import { runWithProgress } from './runWithProgress.ts';
import { showAnalysisError } from './showAnalysisError.ts';


interface LanguagePick extends vscode.QuickPickItem {
  code: string;
}

/**
 * "Detect language neurons": languages, corpus and budget from quick inputs, then
 * detection, identification and (if enabled) the perplexity matrix in the analysis
 * process, with progress and Cancel. Results go to `<results root>/<model stem>/`, the
 * folder `lape detect` would use.
 */
export function registerDetectCommand(context: vscode.ExtensionContext, deps: { client: AnalysisClient; config: LapeConfiguration; model: ModelState; folders: ResultsFolders }): void {
  const { client, config, model, folders } = deps;
  let languageCache: LanguageEntry[] | undefined;

  const pickLanguages = async (): Promise<string[] | undefined> => {
    languageCache ??= await client.request(LanguagesRequest).catch(() => undefined);
    const preselected = new Set(config.detection().languages);
    const known = languageCache ?? [...new Set([...PAPER_LANGUAGES, ...preselected])].map((code) => ({ code, name: languageName(code) }));
    const first = [...new Set([...PAPER_LANGUAGES, ...preselected])];
    const byCode = new Map(known.map((l) => [l.code, l]));
    const item = (code: string): LanguagePick => ({ code, label: byCode.get(code)?.name ?? languageName(code), description: code, picked: preselected.has(code) });
    const items: (LanguagePick | vscode.QuickPickItem)[] = [
      { label: 'Suggested', kind: vscode.QuickPickItemKind.Separator }, ...first.map(item),
      { label: 'All languages of the built-in corpus', kind: vscode.QuickPickItemKind.Separator },
      ...known.filter((l) => !first.includes(l.code)).map((l) => item(l.code)),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Detect language neurons (1/3): languages', placeHolder: 'Pick at least two languages', canPickMany: true, matchOnDescription: true, ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const codes = picked.filter((p): p is LanguagePick => 'code' in p).map((p) => p.code);
    if (codes.length < 2) {
      void vscode.window.showWarningMessage('LAPE compares languages: pick at least two.');
      return undefined;
    }
    return codes;
  };

  const pickCorpus = async (): Promise<CorpusChoice | undefined> => {
    const picked = await vscode.window.showQuickPick([
      { label: '$(book) Universal Declaration of Human Rights', description: 'built in, about 500 languages, small (2–3k tokens each for a real model)', choice: 'udhr' as const },
      { label: '$(library) Debian Administrator\'s Handbook', description: 'parallel translations, 224–978 kB per language, 26 languages; fetched once with apt', choice: 'handbook' as const },
      { label: '$(folder) A folder of my own texts…', description: '<lang>.txt or <lang>.jsonl files', choice: 'folder' as const },
    ], { title: 'Detect language neurons (2/3): corpus', ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.choice !== 'folder') return { kind: picked.choice };
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use this corpus', title: 'Folder with one <lang>.txt or <lang>.jsonl per language' });
    return folder?.[0] ? { kind: 'folder', folder: folder[0].fsPath } : undefined;
  };

  const pickBudget = async (): Promise<number | undefined> => {
    const value = await vscode.window.showInputBox({
      title: 'Detect language neurons (3/3): token budget', prompt: 'Tokens of text per language to record activations on',
      value: String(config.detection().budget), ignoreFocusOut: true, validateInput: checkBudget,
    });
    return value === undefined ? undefined : parseBudget(value);
  };

  const detect = async (): Promise<void> => {
    if (!model.current() && !(await vscode.commands.executeCommand<boolean>('languageNeurons.chooseModel'))) return;
    const options = model.current();
    if (!options) return;
    const languages = await pickLanguages();
    if (!languages) return;
    const corpus = await pickCorpus();
    if (!corpus) return;
    const budget = await pickBudget();
    if (budget === undefined) return;
    const { perplexity, residualMeans } = config.detection();
    const { dir: root, origin } = folders.root();
    try {
      const { outDir, view } = await runWithProgress(`Detecting language neurons (${model.label})`, async (hooks) => {
        const info = await model.load(hooks);
        // The same folder name `lape detect` uses: 'demo' for the demo model, else the file's stem.
        const outDir = resultsDirFor(root, options.model === 'demo' ? 'demo' : info.fileName);
        const view = await client.request(DetectRequest, { ...options, languages, corpus, budget, outDir, perplexity, residualMeans }, { ...hooks, label: 'Detecting language neurons' });
        return { outDir, view };
      }, { weights: perplexity ? { detect: 70, perplexity: 30 } : { detect: 100 } });
      folders.store.set(outDir, view, origin);
      folders.store.setCurrent(outDir);
      const counts = view.summary.languages.map((l, i) => `${l} ${view.summary.overlap[i]?.[i] ?? 0}`).join(' · ');
      const choice = await vscode.window.showInformationMessage(`Found ${view.neurons.selected.length} language-specific neurons (${counts}).`, 'Open Charts', 'Show in Explorer');
      if (choice === 'Open Charts') await vscode.commands.executeCommand('languageNeurons.openCharts');
      else if (choice === 'Show in Explorer') await vscode.commands.executeCommand('languageNeurons.neurons.focus');
    } catch (error) {
      await showAnalysisError(error, 'Detection failed');
    }
  };

  context.subscriptions.push(vscode.commands.registerCommand('languageNeurons.detect', detect));
}
