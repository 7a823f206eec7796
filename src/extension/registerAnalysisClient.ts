import * as vscode from 'vscode';
import { AnalysisClient } from './AnalysisClient.ts';

/**
 * The vscode side of AnalysisClient: the child's output goes to the "Language Neurons"
 * channel, `env` (asked at every start) is added to its environment, giving up after
 * repeated crashes is said aloud with a Restart button, and the restart, output and debug
 * (pid) commands are registered.
 */
export function registerAnalysisClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, env?: () => Record<string, string | undefined>): AnalysisClient {
  const client = new AnalysisClient({
    modulePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'analysis.js').fsPath,
    cwd: context.extensionUri.fsPath,
    env,
  });
  const restart = async (): Promise<void> => {
    try {
      const ready = await client.restart();
      output.appendLine(`Analysis process restarted (pid ${ready.pid}).`);
    } catch (error) {
      output.appendLine(`Could not restart the analysis process: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Could not restart the analysis process: ${(error as Error).message}`, 'Show Output')
        .then((choice) => { if (choice) output.show(true); });
    }
  };
  context.subscriptions.push(
    client.onOutput((text) => output.append(text)),
    client.onDidChangeState((state) => output.appendLine(`Analysis process: ${state}.`)),
    client.onDidCrash((crash) => {
      if (crash.restarting) return;
      void vscode.window.showErrorMessage(
        `The Language Neurons analysis process crashed ${crash.recentCrashes} times in a short time and will not be restarted automatically.`,
        'Restart Analysis Process', 'Show Output',
      ).then((choice) => {
        if (choice === 'Restart Analysis Process') void restart();
        else if (choice === 'Show Output') output.show(true);
      });
    }),
    vscode.commands.registerCommand('languageNeurons.restartAnalysisProcess', restart),
    vscode.commands.registerCommand('languageNeurons.showOutput', () => output.show(true)),
    // For end-to-end tests: starts the process if needed and returns its pid.
    vscode.commands.registerCommand('languageNeurons.debug.analysisPid', async () => (await client.start()).pid),
    { dispose: () => void client.dispose() },
  );
  return client;
}
