import * as vscode from 'vscode';
import type { NeuronRef } from '../protocol/webviewMessages.ts';
import { LAPE_PANEL_VIEW_TYPE, LapePanel, type LapePanelDeps } from './LapePanel.ts';

/**
 * "Open LAPE Charts" and what keeps the panel alive across reloads: the command (which offers
 * detection or a folder when there is nothing to chart yet), the serializer that revives a
 * panel VS Code restores, and the panel's disposal with the extension.
 */
export function registerChartsCommand(context: vscode.ExtensionContext, panelDeps: LapePanelDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('languageNeurons.openCharts', (target?: { dir?: string; neuron?: NeuronRef }) => {
      if (!panelDeps.results.current && target?.dir === undefined) {
        void vscode.window.showInformationMessage('No results to chart yet.', 'Detect Language Neurons', 'Open Results Folder…').then((choice) => {
          if (choice === 'Detect Language Neurons') void vscode.commands.executeCommand('languageNeurons.detect');
          else if (choice) void vscode.commands.executeCommand('languageNeurons.openResultsFolder');
        });
        return;
      }
      LapePanel.show(panelDeps, target);
    }),
    vscode.window.registerWebviewPanelSerializer(LAPE_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => LapePanel.revive(panel, panelDeps),
    }),
    { dispose: () => LapePanel.disposeInstance() },
  );
}
