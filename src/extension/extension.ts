import * as vscode from 'vscode';
import type { AnalysisClient } from './AnalysisClient.ts';
import { registerChartsCommand } from './chartsCommand.ts';
import { registerDetectCommand } from './detectCommand.ts';
import { LapeConfiguration } from './LapeConfiguration.ts';
import { registerModelCommands } from './modelCommands.ts';
import { ModelState } from './ModelState.ts';
import { NeuronExplorer } from './NeuronExplorer.ts';
import { registerAnalysisClient } from './registerAnalysisClient.ts';
import { registerDebugState } from './registerDebugState.ts';
import { registerEventLoopLag } from './registerEventLoopLag.ts';
import { registerGpuSetting } from './registerGpuSetting.ts';
import { registerResultsCommands } from './resultsCommands.ts';
import { ResultsFolders } from './ResultsFolders.ts';
import { registerSteeringCommands } from './steeringCommands.ts';
import { registerSteeringEditorCommands } from './steeringEditorCommands.ts';
import { registerCompletions } from './completion/LanguageCompletionProvider.ts';
import { StatusBar } from './StatusBar.ts';
import { SteeringStore } from './SteeringStore.ts';

let analysis: AnalysisClient | undefined;

/** Wires the features together; each one owns its disposables and lives in its own file. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Language Neurons');
  const config = new LapeConfiguration();
  const client = registerAnalysisClient(context, output, () => config.analysisEnv());
  analysis = client;
  const model = new ModelState(client, () => config.modelOptions());
  const steering = new SteeringStore(context.workspaceState);
  const folders = new ResultsFolders(context, { client, config, output });
  context.subscriptions.push(
    output, config, model, steering, folders,
    config.onDidChange(() => model.notifyChoiceChanged()),
    // A new process has nothing loaded.
    client.onDidChangeState((state) => { if (state === 'starting') model.forget(); }),
  );

  registerModelCommands(context, { client, config, model });
  registerDetectCommand(context, { client, config, model, folders });
  registerResultsCommands(context, { client, folders, model });
  registerSteeringCommands(context, steering);
  registerSteeringEditorCommands(context, { client, model, results: folders.store, steering });
  registerCompletions(context, { client, model, results: folders.store, steering, config });
  registerEventLoopLag(context, client, output);
  registerGpuSetting(context, { client, model, output });
  registerDebugState(context, { client, model, results: folders.store, steering });

  const explorer = new NeuronExplorer({ results: folders.store, steering, modelState: model });
  context.subscriptions.push(explorer, new StatusBar({ client, model, steering }));
  registerChartsCommand(context, {
    extensionUri: context.extensionUri, client, results: folders.store,
    revealInTree: (dir, layer, index) => explorer.revealNeuron(dir, layer, index),
  });

  void folders.reload();
}

/** Lets the analysis process free its model before the extension host goes. */
export function deactivate(): Promise<void> | undefined {
  return analysis?.dispose();
}
