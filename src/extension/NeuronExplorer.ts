import * as vscode from 'vscode';
import type { ModelState } from './ModelState.ts';
import { NeuronTreeModel, type NeuronNode } from './NeuronTreeModel.ts';
import { NeuronTreeProvider } from './NeuronTreeProvider.ts';
import type { ResultsStore } from './ResultsStore.ts';
import type { SteeringStore } from './SteeringStore.ts';

export const NEURONS_VIEW = 'languageNeurons.neurons';

/**
 * The neuron explorer: registers the tree view and its commands (grouping toggle, steering
 * actions, reveal in charts, copy) and keeps the context keys the welcome views use.
 */
export class NeuronExplorer implements vscode.Disposable {
  private readonly model: NeuronTreeModel;
  private readonly provider: NeuronTreeProvider;
  private readonly view: vscode.TreeView<NeuronNode>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: { results: ResultsStore; steering: SteeringStore; modelState: ModelState }) {
    const { results } = deps;
    this.model = new NeuronTreeModel(() => results.entries());
    this.provider = new NeuronTreeProvider(this.model);
    this.view = vscode.window.createTreeView(NEURONS_VIEW, { treeDataProvider: this.provider, showCollapseAll: true });
    this.subscriptions.push(
      this.provider, this.view,
      results.onDidChange(() => this.refresh()),
      deps.modelState.onDidChange(() => this.updateContext()),
      vscode.commands.registerCommand('languageNeurons.neurons.toggleGrouping', () => this.toggleGrouping()),
      vscode.commands.registerCommand('languageNeurons.neurons.deactivate', (node?: NeuronNode) => this.steer(node, 'deactivate')),
      vscode.commands.registerCommand('languageNeurons.neurons.activate', (node?: NeuronNode) => this.steer(node, 'activate')),
      vscode.commands.registerCommand('languageNeurons.neurons.revealInCharts', (node?: NeuronNode) => this.revealInCharts(node)),
      vscode.commands.registerCommand('languageNeurons.neurons.copyIndices', (node?: NeuronNode) => this.copyIndices(node)),
    );
    void vscode.commands.executeCommand('setContext', 'languageNeurons.grouping', this.model.grouping);
    this.updateContext();
  }

  /** Selects a neuron in the tree (the charts' "reveal in tree"). */
  async revealNeuron(dir: string, layer: number, index: number): Promise<boolean> {
    const leaf = this.model.findNeuron(dir, layer, index);
    if (!leaf) return false;
    await this.view.reveal(leaf, { select: true, focus: true, expand: true });
    return true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private refresh(): void {
    this.provider.refresh();
    this.updateContext();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'languageNeurons.hasResults', this.deps.results.entries().length > 0);
    void vscode.commands.executeCommand('setContext', 'languageNeurons.hasModel', this.deps.modelState.current() !== undefined);
  }

  private toggleGrouping(): void {
    this.model.grouping = this.model.grouping === 'layer' ? 'language' : 'layer';
    void vscode.commands.executeCommand('setContext', 'languageNeurons.grouping', this.model.grouping);
    this.provider.refresh();
  }

  private selection(node: NeuronNode | undefined): NeuronNode | undefined {
    return node ?? this.view.selection[0];
  }

  /** On a language node: the whole language; on a neuron: that neuron, with its mean for that language. */
  private async steer(arg: NeuronNode | undefined, action: 'deactivate' | 'activate'): Promise<void> {
    const node = this.selection(arg);
    if (!node) return;
    const { steering } = this.deps;
    const verb = action === 'deactivate' ? 'Deactivating' : 'Activating';
    let what: string;
    if (node.kind === 'language' && node.layer === undefined) {
      const language = this.model.languageOf(node)!;
      await steering.addLanguages([language], action);
      what = `all ${language} neurons`;
    } else {
      const refs = this.model.neuronsOf(node);
      if (refs.length === 0) return;
      await steering.addNeurons(refs.map((r) => action === 'deactivate'
        ? { layer: r.layer, index: r.index, mode: 'zero' as const }
        : { layer: r.layer, index: r.index, mode: 'mean' as const, value: r.neuron.means[this.languageIndex(node, r.language)] }));
      what = refs.length === 1 ? `neuron ${refs[0].layer}:${refs[0].index}` : `${refs.length} neurons`;
    }
    const set = steering.activeSet.name;
    const enabled = steering.state.enabled;
    // Not awaited: the command is done once the set is changed, whether or not anyone
    // answers the notification (awaiting it would hang callers of executeCommand).
    void vscode.window.showInformationMessage(
      `${verb} ${what} in steering set "${set}"${enabled ? '' : ' (steering is off)'}.`, ...(enabled ? [] : ['Turn Steering On']))
      .then((choice) => (choice ? steering.setEnabled(true) : undefined));
  }

  private languageIndex(node: NeuronNode, language: string): number {
    return this.deps.results.get(node.dir)?.view.summary.languages.indexOf(language) ?? 0;
  }

  private async revealInCharts(arg: NeuronNode | undefined): Promise<void> {
    const node = this.selection(arg);
    if (!node || node.kind !== 'neuron') return;
    await vscode.commands.executeCommand('languageNeurons.openCharts', { dir: node.dir, neuron: { layer: node.layer, index: node.index } });
  }

  /** A neuron: "layer:index"; anything larger: JSON {layer: [indices]}, the shape of the reference's masks. */
  private async copyIndices(arg: NeuronNode | undefined): Promise<void> {
    const node = this.selection(arg);
    if (!node) return;
    if (node.kind === 'neuron') {
      await vscode.env.clipboard.writeText(`${node.layer}:${node.index}`);
      return;
    }
    const byLayer: Record<number, number[]> = {};
    for (const r of this.model.neuronsOf(node)) {
      const ids = (byLayer[r.layer] ??= []);
      if (!ids.includes(r.index)) ids.push(r.index);
    }
    for (const ids of Object.values(byLayer)) ids.sort((a, b) => a - b);
    await vscode.env.clipboard.writeText(JSON.stringify(byLayer));
    const total = Object.values(byLayer).reduce((n, ids) => n + ids.length, 0);
    void vscode.window.setStatusBarMessage(`Copied ${total} neuron indices`, 3000);
  }
}
