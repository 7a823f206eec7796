import * as vscode from 'vscode';
import type { AnalysisClient, AnalysisClientState } from './AnalysisClient.ts';
import type { ModelState } from './ModelState.ts';
import type { ResultsStore } from './ResultsStore.ts';
import type { SteeringState, SteeringStore } from './SteeringStore.ts';

/** What `languageNeurons.debug.state` returns: plain data for integration and e2e tests. */
export interface DebugState {
  process: { state: AnalysisClientState; pid: number | undefined; running: string[] };
  model: string | undefined;
  results: { dir: string; model: string; languages: string[]; selected: number; origin: string }[];
  current: string | undefined;
  steering: SteeringState;
}

/** Registers the command through which tests see what the UI shows, without scraping it. */
export function registerDebugState(context: vscode.ExtensionContext, deps: { client: AnalysisClient; model: ModelState; results: ResultsStore; steering: SteeringStore }): void {
  const { client, model, results, steering } = deps;
  context.subscriptions.push(vscode.commands.registerCommand('languageNeurons.debug.state', (): DebugState => ({
    process: { state: client.state, pid: client.pid, running: client.activeRequests.map((r) => r.label) },
    model: model.current()?.model,
    results: results.entries().map((e) => ({
      dir: e.dir, model: e.view.summary.model.fileName, languages: e.view.summary.languages, selected: e.view.neurons.selected.length, origin: e.origin,
    })),
    current: results.current?.dir,
    steering: steering.state,
  })));
}
