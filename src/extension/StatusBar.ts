import * as vscode from 'vscode';
import type { ActiveRequest, AnalysisClient, AnalysisClientState } from './AnalysisClient.ts';
import type { ModelState } from './ModelState.ts';
import type { SteeringStore } from './SteeringStore.ts';

interface MenuItem extends vscode.QuickPickItem {
  command?: string;
  run?: () => Thenable<unknown> | void;
}

/**
 * One status bar item: the model, what the analysis process is doing (a spinner while a
 * request runs) and the steering state. Clicking opens a quick menu of the main actions.
 */
export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private activity: readonly ActiveRequest[] = [];
  private processState: AnalysisClientState;

  constructor(private readonly deps: { client: AnalysisClient; model: ModelState; steering: SteeringStore }) {
    const { client, model, steering } = deps;
    this.processState = client.state;
    this.item = vscode.window.createStatusBarItem('languageNeurons.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Language Neurons';
    this.item.command = 'languageNeurons.showMenu';
    this.subscriptions.push(
      this.item,
      client.onDidChangeActivity((a) => { this.activity = a; this.update(); }),
      client.onDidChangeState((s) => { this.processState = s; this.update(); }),
      model.onDidChange(() => this.update()),
      steering.onDidChange(() => this.update()),
      vscode.commands.registerCommand('languageNeurons.showMenu', () => this.showMenu()),
    );
    this.update();
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private update(): void {
    const { model, steering } = this.deps;
    const parts: string[] = [];
    const running = this.activity[0];
    if (running) parts.push(`$(sync~spin) ${running.label}${this.activity.length > 1 ? ` (+${this.activity.length - 1})` : ''}`);
    else if (this.processState === 'failed') parts.push('$(error)');
    parts.push(`$(chip) ${model.label ?? 'No model'}`);
    const { enabled, active } = steering.state;
    if (enabled) parts.push(`$(zap) ${active}`);
    this.item.text = parts.join(' ');
    this.item.backgroundColor = this.processState === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const info = model.info;
    const tooltip = new vscode.MarkdownString('', true);
    tooltip.appendMarkdown('**Language Neurons**\n\n');
    tooltip.appendMarkdown(info
      ? `Model: ${info.fileName} · ${info.architecture}, ${info.nLayer} layers × ${info.nFf} FFN neurons · ${info.backend}\n\n`
      : `Model: ${model.label ?? 'none chosen'}${model.label ? ' (not loaded yet)' : ''}\n\n`);
    tooltip.appendMarkdown(`Analysis process: ${this.processState}${this.activity.length ? ` · running: ${this.activity.map((a) => a.label).join(', ')}` : ''}\n\n`);
    tooltip.appendMarkdown(`Steering: ${enabled ? `on, set "${active}"` : 'off'}`);
    this.item.tooltip = tooltip;
  }

  private async showMenu(): Promise<void> {
    const { steering } = this.deps;
    const { enabled, active, sets } = steering.state;
    const items: MenuItem[] = [
      { label: '$(chip) Choose model…', command: 'languageNeurons.chooseModel' },
      { label: '$(search) Detect language neurons', command: 'languageNeurons.detect' },
      { label: '$(graph) Open LAPE charts', command: 'languageNeurons.openCharts' },
      { label: enabled ? '$(circle-slash) Turn steering off' : '$(zap) Turn steering on', description: `set "${active}"`, command: 'languageNeurons.steering.toggle' },
      ...(sets.length > 1 ? [{ label: '$(list-selection) Switch steering set…', command: 'languageNeurons.steering.selectSet' }] : []),
      { label: '$(debug-restart) Restart analysis process', command: 'languageNeurons.restartAnalysisProcess' },
      { label: '$(output) Show output', command: 'languageNeurons.showOutput' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Language Neurons' });
    if (picked?.command) await vscode.commands.executeCommand(picked.command);
  }
}
