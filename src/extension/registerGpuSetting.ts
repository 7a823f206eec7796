import * as vscode from 'vscode';
import type { AnalysisClient } from './AnalysisClient.ts';
import type { ModelState } from './ModelState.ts';

/**
 * The `languageNeurons.gpu` setting's two visible ends. The analysis process reads the
 * setting once, at start (LapeConfiguration.analysisEnv), so a change offers a restart.
 * A GPU build that failed its self-test leaves the process on the CPU: the process logs it,
 * and the first model it loads says so here, once per process, with the fix.
 */
export function registerGpuSetting(context: vscode.ExtensionContext, deps: { client: AnalysisClient; model: ModelState; output: vscode.OutputChannel }): void {
  const { client, model, output } = deps;
  let warned = false;
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('languageNeurons.gpu') || client.state !== 'running') return;
      void vscode.window.showInformationMessage('The llama.cpp build (languageNeurons.gpu) takes effect when the analysis process restarts.', 'Restart Analysis Process')
        .then((choice) => { if (choice) void vscode.commands.executeCommand('languageNeurons.restartAnalysisProcess'); });
    }),
    client.onDidChangeState((state) => { if (state === 'starting') warned = false; }),
    model.onDidChange(() => {
      const fallback = model.info?.gpuFallback;
      if (!fallback || warned) return;
      warned = true;
      void vscode.window.showWarningMessage(fallback.message, 'Show Output').then((choice) => { if (choice) output.show(true); });
    }),
  );
}
