import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ReidentifyRequest } from '../protocol/analysisProtocol.ts';
import { assertNever, parseFromWebview, type FromWebview, type NeuronRef, type ToWebview } from '../protocol/webviewMessages.ts';
import { panelHtml } from '../report/panelHtml.ts';
import { AnalysisError, isCancelled } from './analysisErrors.ts';
import type { AnalysisClient } from './AnalysisClient.ts';
import { modelStem } from './resultsLocation.ts';
import type { ResultsEntry, ResultsStore } from './ResultsStore.ts';

export const LAPE_PANEL_VIEW_TYPE = 'languageNeurons.lapePanel';

export interface LapePanelDeps {
  extensionUri: vscode.Uri;
  client: AnalysisClient;
  results: ResultsStore;
  revealInTree(dir: string, layer: number, index: number): Promise<boolean>;
}

/**
 * The LAPE charts panel: one at a time, showing the current results. The webview owns its
 * view state; the host answers `ready` with the whole state, pushes new results, and runs
 * what the panel asks for (identify, reveal, PNG export) through an exhaustive switch.
 */
export class LapePanel implements vscode.Disposable {
  private static instance: LapePanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private shownDir: string | undefined;
  private ready = false;
  private pendingReveal: NeuronRef | undefined;
  private identifying: vscode.CancellationTokenSource | undefined;
  /** Set while the panel stores results it is about to send itself, so they are not sent twice. */
  private storing = false;

  /** Opens the panel (or brings it forward), optionally on a results folder and a neuron. */
  static show(deps: LapePanelDeps, target?: { dir?: string; neuron?: NeuronRef }): void {
    if (target?.dir !== undefined) deps.results.setCurrent(target.dir);
    if (!LapePanel.instance) {
      const panel = vscode.window.createWebviewPanel(LAPE_PANEL_VIEW_TYPE, 'Language Neurons', vscode.ViewColumn.Active, LapePanel.options(deps.extensionUri));
      LapePanel.instance = new LapePanel(panel, deps);
    } else {
      LapePanel.instance.panel.reveal();
    }
    if (target?.neuron) LapePanel.instance.reveal(target.neuron);
  }

  /** For the serializer: a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, deps: LapePanelDeps): void {
    LapePanel.instance?.dispose();
    panel.webview.options = LapePanel.options(deps.extensionUri);
    LapePanel.instance = new LapePanel(panel, deps);
  }

  static disposeInstance(): void {
    LapePanel.instance?.dispose();
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // The webview keeps its own state (getState/setState), so it need not stay alive hidden.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: LapePanelDeps) {
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icons', 'language-neurons.svg');
    panel.webview.html = this.html();
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      // Hidden, the webview is torn down (no retainContextWhenHidden) and drops messages; it
      // says `ready` again when shown, and anything meant for it meanwhile waits for that.
      panel.onDidChangeViewState(({ webviewPanel }) => { if (!webviewPanel.visible) this.ready = false; }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) void this.handle(message);
      }),
      deps.results.onDidChange(() => this.resultsChanged()),
    );
  }

  dispose(): void {
    if (LapePanel.instance === this) LapePanel.instance = undefined;
    this.identifying?.cancel();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const assets = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    const codicons = vscode.Uri.joinPath(assets, 'codicon.css');
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'lape.css')).toString(),
      codiconsUri: existsSync(codicons.fsPath) ? webview.asWebviewUri(codicons).toString() : undefined,
    });
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendInit();
        return;
      case 'identify':
        return this.identify(message.params, message.requestId);
      case 'filterLanguages':
        // The webview applies the filter itself and keeps it in its own state.
        return;
      case 'revealInTree': {
        const dir = this.shownDir;
        if (dir !== undefined && !(await this.deps.revealInTree(dir, message.layer, message.index))) {
          void vscode.window.showInformationMessage(`Neuron ${message.layer}:${message.index} is not among the selected neurons.`);
        }
        return;
      }
      case 'exportPng':
        return this.exportPng(message.chart, message.dataUrl);
      default:
        assertNever(message);
    }
  }

  private current(): ResultsEntry | undefined {
    return this.deps.results.current;
  }

  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private sendInit(): void {
    const entry = this.current();
    this.shownDir = entry?.dir;
    if (!entry) {
      this.panel.title = 'Language Neurons';
      return;
    }
    this.panel.title = `LAPE: ${entry.view.summary.model.fileName}`;
    const canIdentify = existsSync(join(entry.dir, 'stats.lapestats'));
    this.post({ type: 'init', view: entry.view, ui: { canIdentify, busy: this.identifying !== undefined, title: entry.view.summary.model.fileName } });
    if (this.pendingReveal) this.reveal(this.pendingReveal);
  }

  private resultsChanged(): void {
    const entry = this.current();
    if (!this.ready || this.storing) return;
    if (entry?.dir !== this.shownDir) this.sendInit();
    else if (entry) this.post({ type: 'results', view: entry.view });
  }

  private reveal(neuron: NeuronRef): void {
    if (!this.ready || this.shownDir === undefined) {
      this.pendingReveal = neuron;
      return;
    }
    this.pendingReveal = undefined;
    this.post({ type: 'revealNeuron', ...neuron });
  }

  /** Slider moves: a newer request supersedes the one in flight, which is cancelled. */
  private async identify(params: { topRate: number; filterRate: number; activationBarRatio: number }, requestId: number): Promise<void> {
    const entry = this.current();
    if (!entry) return;
    this.identifying?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.identifying = source;
    try {
      const view = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Re-identifying language neurons' }, () =>
        this.deps.client.request(ReidentifyRequest, { resultsDir: entry.dir, params }, { token: source.token, label: 'Re-identifying' }));
      if (source.token.isCancellationRequested) return;
      // The store tells the tree; the panel gets the answer tagged with its request id.
      this.shownDir = entry.dir;
      this.storing = true;
      try {
        this.deps.results.set(entry.dir, view, entry.origin);
      } finally {
        this.storing = false;
      }
      this.post({ type: 'results', view, requestId });
    } catch (error) {
      if (isCancelled(error) || source.token.isCancellationRequested) return;
      this.post({ type: 'error', message: error instanceof AnalysisError || error instanceof Error ? error.message : String(error), requestId });
    } finally {
      if (this.identifying === source) this.identifying = undefined;
      source.dispose();
    }
  }

  private async exportPng(chart: string, dataUrl: string): Promise<void> {
    const entry = this.current();
    const stem = entry ? modelStem(entry.view.summary.model.fileName) : 'lape';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? (entry ? vscode.Uri.file(entry.dir) : undefined);
    const target = await vscode.window.showSaveDialog({
      title: 'Save chart as PNG', filters: { 'PNG image': ['png'] },
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${stem}-${chart}.png`) : undefined,
    });
    if (!target) return;
    const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.setStatusBarMessage(`Saved ${target.fsPath}`, 4000);
  }
}
