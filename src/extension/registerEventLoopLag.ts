import * as vscode from 'vscode';
import type { AnalysisClient } from './AnalysisClient.ts';
import { EventLoopLagMonitor, type LagReport } from './EventLoopLagMonitor.ts';

export interface EventLoopLagState {
  running: boolean;
  current?: LagReport;
  last?: LagReport;
}

/**
 * Measures the extension host's event-loop lag whenever a request to the analysis process
 * is in flight, logs the worst delay when it ends, and exposes the numbers through the
 * debug command `languageNeurons.debug.eventLoopLag` for the end-to-end tests.
 */
export function registerEventLoopLag(context: vscode.ExtensionContext, client: AnalysisClient, output: vscode.OutputChannel): EventLoopLagMonitor {
  const monitor = new EventLoopLagMonitor();
  context.subscriptions.push(
    client.onDidChangeActivity((active) => {
      if (active.length > 0) {
        monitor.start(active[0].label);
        return;
      }
      const report = monitor.stop();
      if (report && report.durationMs >= 1000) {
        output.appendLine(`Extension host event-loop lag during "${report.label}" (${(report.durationMs / 1000).toFixed(1)} s): max ${report.maxLagMs.toFixed(0)} ms (ending ${(report.maxAtMs / 1000).toFixed(1)} s in), mean ${report.meanLagMs.toFixed(1)} ms over ${report.samples} samples.`);
      }
    }),
    vscode.commands.registerCommand('languageNeurons.debug.eventLoopLag', (): EventLoopLagState =>
      ({ running: monitor.running, current: monitor.current(), last: monitor.lastReport })),
    { dispose: () => monitor.stop() },
  );
  return monitor;
}
