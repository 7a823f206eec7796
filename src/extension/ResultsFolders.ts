import * as vscode from 'vscode';
import { OpenResultsRequest } from '../protocol/analysisProtocol.ts';
import type { AnalysisClient } from './AnalysisClient.ts';
import type { LapeConfiguration } from './LapeConfiguration.ts';
import { resultsRoot } from './resultsLocation.ts';
import { ResultsStore, type ResultsOrigin } from './ResultsStore.ts';

const OPENED_KEY = 'languageNeurons.openedResults';
/** `lape detect` writes to `.lape/<model>` by default, the results root; this older name is scanned too. */
const CLI_DEFAULT_ROOT = 'lape-results';

/**
 * Keeps the ResultsStore in step with the disk: scans the results root (and
 * `lape-results/`) on start and when the settings change, watches them for runs
 * that finish meanwhile, and reopens the folders opened by hand in this workspace.
 */
export class ResultsFolders implements vscode.Disposable {
  readonly store: ResultsStore;
  private readonly context: vscode.ExtensionContext;
  private readonly config: LapeConfiguration;
  private readonly output: vscode.OutputChannel;
  private watchers: vscode.FileSystemWatcher[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext, deps: { client: AnalysisClient; config: LapeConfiguration; output: vscode.OutputChannel }) {
    this.context = context;
    this.config = deps.config;
    this.output = deps.output;
    const { client } = deps;
    this.store = new ResultsStore((dir) => client.request(OpenResultsRequest, { resultsDir: dir }, { label: 'Opening results' }));
    this.subscriptions.push(deps.config.onDidChange(() => void this.reload()));
  }

  /** Where new results go: `<workspace>/.lape` or global storage. */
  root(): { dir: string; origin: ResultsOrigin } {
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const dir = resultsRoot({ workspaceFolder, resultsFolder: this.config.resultsFolder(), globalStorage: this.context.globalStorageUri.fsPath });
    return { dir, origin: workspaceFolder === undefined ? 'global' : 'workspace' };
  }

  /** The results root plus the CLI's default folder in the workspace: both are scanned and watched. */
  private scannedRoots(): string[] {
    const { dir } = this.root();
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const cli = workspaceFolder === undefined ? undefined : vscode.Uri.joinPath(vscode.Uri.file(workspaceFolder), CLI_DEFAULT_ROOT).fsPath;
    return cli === undefined || cli === dir ? [dir] : [dir, cli];
  }

  async reload(): Promise<void> {
    const { origin } = this.root();
    const roots = this.scannedRoots();
    this.watch(roots);
    for (const root of roots) {
      const result = await this.store.scan(root, origin);
      for (const { dir: failed, error } of result.failed) this.output.appendLine(`Could not open results in ${failed}: ${(error as Error).message}`);
    }
    for (const opened of this.context.workspaceState.get<string[]>(OPENED_KEY) ?? []) {
      if (this.store.get(opened)) continue;
      await this.store.load(opened, 'opened').catch((error: Error) => this.output.appendLine(`Could not reopen results in ${opened}: ${error.message}`));
    }
  }

  /** Opens a folder from anywhere (e.g. one `lape detect --out` wrote) and remembers it for this workspace. */
  async open(dir: string): Promise<void> {
    await this.store.load(dir, 'opened');
    this.store.setCurrent(dir);
    if (this.scannedRoots().some((root) => dir.startsWith(root))) return;
    const opened = this.context.workspaceState.get<string[]>(OPENED_KEY) ?? [];
    if (!opened.includes(dir)) await this.context.workspaceState.update(OPENED_KEY, [...opened, dir]);
  }

  dispose(): void {
    for (const w of this.watchers) w.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.store.dispose();
  }

  /** Picks up runs that finish while the editor is open, e.g. `lape detect` in a terminal. */
  private watch(roots: string[]): void {
    for (const w of this.watchers) w.dispose();
    const reloadFolder = (uri: vscode.Uri): void => {
      const dir = vscode.Uri.joinPath(uri, '..').fsPath;
      void this.store.load(dir, this.root().origin).catch((error: Error) => this.output.appendLine(`Could not open results in ${dir}: ${error.message}`));
    };
    this.watchers = roots.map((root) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '*/summary.json'));
      watcher.onDidCreate(reloadFolder);
      watcher.onDidChange(reloadFolder);
      watcher.onDidDelete((uri) => this.store.remove(vscode.Uri.joinPath(uri, '..').fsPath));
      return watcher;
    });
  }
}
