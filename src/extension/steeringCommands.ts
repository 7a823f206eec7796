import * as vscode from 'vscode';
import type { SteeringStore } from './SteeringStore.ts';

/**
 * The steering commands the tree and status bar need now: on/off, switching and clearing
 * sets. Generation and completions that apply the set come with the steering feature.
 */
export function registerSteeringCommands(context: vscode.ExtensionContext, steering: SteeringStore): void {
  const selectSet = async (): Promise<void> => {
    const { sets, active } = steering.state;
    const NEW = '$(add) New steering set…';
    const picked = await vscode.window.showQuickPick([
      ...sets.map((s) => ({ label: s.name, description: s.name === active ? 'active' : describe(s.spec) })),
      { label: NEW },
    ], { title: 'Steering set' });
    if (!picked) return;
    let name = picked.label;
    if (name === NEW) {
      const typed = await vscode.window.showInputBox({
        title: 'New steering set', prompt: 'Name', validateInput: (v) => (v.trim() === '' ? 'Enter a name.' : sets.some((s) => s.name === v.trim()) ? 'A set of this name exists.' : undefined),
      });
      if (!typed) return;
      name = typed.trim();
    }
    await steering.selectSet(name);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('languageNeurons.steering.toggle', () => steering.setEnabled(!steering.state.enabled)),
    vscode.commands.registerCommand('languageNeurons.steering.selectSet', selectSet),
    vscode.commands.registerCommand('languageNeurons.steering.clear', async () => {
      const { name } = steering.activeSet;
      const ok = await vscode.window.showWarningMessage(`Remove every language and neuron from steering set "${name}"?`, { modal: true }, 'Clear');
      if (ok) await steering.clearActive();
    }),
  );
}

function describe(spec: { activate?: string[]; deactivate?: string[]; neurons?: unknown[] }): string {
  const parts = [
    spec.activate?.length ? `+${spec.activate.join(',')}` : '',
    spec.deactivate?.length ? `−${spec.deactivate.join(',')}` : '',
    spec.neurons?.length ? `${spec.neurons.length} neurons` : '',
  ].filter(Boolean);
  return parts.join(' · ') || 'empty';
}
