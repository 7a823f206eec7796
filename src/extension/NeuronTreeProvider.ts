import * as vscode from 'vscode';
import type { NeuronNode, NeuronTreeModel } from './NeuronTreeModel.ts';

const ICONS: Record<NeuronNode['kind'], vscode.ThemeIcon> = {
  model: new vscode.ThemeIcon('chip'),
  layer: new vscode.ThemeIcon('layers'),
  language: new vscode.ThemeIcon('globe'),
  neuron: new vscode.ThemeIcon('circle-filled'),
};

/** Turns NeuronTreeModel nodes into TreeItems and tells the view when they change. */
export class NeuronTreeProvider implements vscode.TreeDataProvider<NeuronNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<NeuronNode | undefined>();
  readonly onDidChangeTreeData: vscode.Event<NeuronNode | undefined> = this.changed.event;

  constructor(private readonly model: NeuronTreeModel) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: NeuronNode): vscode.TreeItem {
    const d = this.model.describe(node);
    const state = !d.expandable ? vscode.TreeItemCollapsibleState.None
      : node.kind === 'model' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(d.label, state);
    item.id = d.id;
    item.description = d.description;
    item.tooltip = new vscode.MarkdownString(d.tooltip);
    item.contextValue = d.contextValue;
    item.iconPath = ICONS[node.kind];
    if (node.kind === 'model') item.resourceUri = vscode.Uri.file(node.dir);
    return item;
  }

  getChildren(node?: NeuronNode): NeuronNode[] {
    return node ? this.model.children(node) : this.model.roots();
  }

  getParent(node: NeuronNode): NeuronNode | undefined {
    return this.model.parent(node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
