import * as vscode from 'vscode';
import { AnalysisError, isCancelled } from './analysisErrors.ts';

/**
 * The one way commands report a failed request: silence for a cancellation, the pipeline's
 * own message for a refusal (its messages say how to fix things), and a restart button when
 * the process is gone.
 */
export async function showAnalysisError(error: unknown, what: string): Promise<void> {
  if (isCancelled(error)) return;
  const message = error instanceof Error ? error.message : String(error);
  const processGone = error instanceof AnalysisError && (error.kind === 'processDied' || error.kind === 'notRunning');
  const actions = processGone ? ['Restart Analysis Process', 'Show Output'] : ['Show Output'];
  const choice = await vscode.window.showErrorMessage(`${what}: ${message}`, ...actions);
  if (choice === 'Restart Analysis Process') await vscode.commands.executeCommand('languageNeurons.restartAnalysisProcess');
  else if (choice === 'Show Output') await vscode.commands.executeCommand('languageNeurons.showOutput');
}
