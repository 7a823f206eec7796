import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { GenerateRequest } from '../../protocol/analysisProtocol.ts';
import { completionContext, completionRequest, resultsIdentity, trimCompletion, type CompletionRequest } from '../../protocol/completionRequest.ts';
import type { AnalysisClient } from '../AnalysisClient.ts';
import { AnalysisError } from '../analysisErrors.ts';
import type { LapeConfiguration } from '../LapeConfiguration.ts';
import type { ModelState } from '../ModelState.ts';
import type { ResultsStore } from '../ResultsStore.ts';
import type { SteeringStore } from '../SteeringStore.ts';
import { showAnalysisError } from '../showAnalysisError.ts';
import { CompletionScheduler } from './CompletionScheduler.ts';

export interface CompletionDeps {
  client: AnalysisClient;
  model: ModelState;
  results: ResultsStore;
  steering: SteeringStore;
  config: LapeConfiguration;
}

const SECTION = 'languageNeurons.completions';

/**
 * Ghost text in the chosen language: the document's prefix (and suffix, where the model
 * has fill-in-the-middle tokens) continued by the analysis process with the active
 * steering set. Never blocks typing: requests are debounced, cached, aborted when the
 * user types on, and capped in time (CompletionScheduler). A "Force output language" set
 * steers with the method of `languageNeurons.steeringMethod`; answers are cached by the
 * steering's contents and the identity of the results it reads.
 */
export class LanguageCompletionProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  private scheduler: CompletionScheduler<CompletionRequest>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: CompletionDeps) {
    this.scheduler = this.makeScheduler();
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.scheduler = this.makeScheduler();
      }),
      // A new steering set or new results change every answer, and may cure a refusal.
      deps.steering.onDidChange(() => this.scheduler.clear()),
      deps.results.onDidChange(() => this.scheduler.clear()),
    );
  }

  private settings() {
    const c = vscode.workspace.getConfiguration(SECTION);
    return {
      enabled: c.get<boolean>('enabled', true),
      languages: c.get<string[]>('languages', ['plaintext', 'markdown']),
      debounceMs: c.get<number>('debounceMs', 300),
      timeoutMs: c.get<number>('timeoutMs', 10_000),
      maxTokens: c.get<number>('maxTokens', 32),
    };
  }

  private makeScheduler(): CompletionScheduler<CompletionRequest> {
    const s = this.settings();
    return new CompletionScheduler<CompletionRequest>(async (key, signal) => {
      const request = key.payload!;
      const cts = new CancellationTokenSource();
      signal.addEventListener('abort', () => cts.cancel(), { once: true });
      try {
        const result = await this.deps.client.request(GenerateRequest, request, { token: cts.token, background: true, label: 'Completion' });
        return trimCompletion(result.text);
      } finally {
        cts.dispose();
      }
    }, {
      debounceMs: s.debounceMs, timeoutMs: s.timeoutMs, cacheSize: 64,
      // The pipeline refused (no residual means, another model…): say so once, with its fix.
      onError: (error) => {
        const refused = error instanceof AnalysisError && error.kind === 'failed';
        if (refused) void showAnalysisError(error, 'Language-steered completion');
        return refused;
      },
    });
  }

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position, _context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
    const s = this.settings();
    if (!s.enabled || !s.languages.includes(document.languageId)) return undefined;
    const model = this.deps.model.current();
    if (!model) return undefined;
    const prefix = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
    if (prefix.trim() === '') return undefined;
    const suffix = document.getText(new vscode.Range(position, document.lineAt(document.lineCount - 1).range.end));
    const results = this.deps.results.current;
    const force = this.deps.steering.effectiveForce();
    const request = completionRequest({
      model: model.model,
      resultsDir: results?.dir,
      prefix,
      suffix,
      steering: this.deps.steering.effectiveSpec(),
      force: force === undefined ? undefined : { language: force, method: this.deps.config.steeringMethod() },
      settings: { maxTokens: s.maxTokens },
    });
    const { prompt, suffix: requestSuffix, ...rest } = request;
    const modelOptions = { gpuLayers: model.gpuLayers, contextSize: model.contextSize };
    const context = completionContext({ request: rest, resultsIdentity: results && resultsIdentity(results.view), extra: modelOptions });
    const text = await this.scheduler.complete({ prefix: prompt, suffix: requestSuffix ?? '', context, payload: { ...request, ...modelOptions } }, token);
    if (!text || token.isCancellationRequested) return undefined;
    return [new vscode.InlineCompletionItem(text, new vscode.Range(position, position))];
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

export function registerCompletions(context: vscode.ExtensionContext, deps: CompletionDeps): void {
  const provider = new LanguageCompletionProvider(deps);
  context.subscriptions.push(
    provider,
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    vscode.commands.registerCommand('languageNeurons.completions.toggle', async () => {
      const c = vscode.workspace.getConfiguration(SECTION);
      const next = !c.get<boolean>('enabled', true);
      await c.update('enabled', next, vscode.ConfigurationTarget.Global);
      void vscode.window.setStatusBarMessage(`Language Neurons completions ${next ? 'on' : 'off'}`, 3000);
    }),
    vscode.commands.registerCommand('languageNeurons.completions.trigger', () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
  );
}
