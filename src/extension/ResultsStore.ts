import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Emitter, type Event } from 'vscode-jsonrpc';
import type { ResultsView } from '../protocol/results.ts';

/** Where a results folder came from: the workspace's results root, global storage, or opened by hand. */
export type ResultsOrigin = 'workspace' | 'global' | 'opened';

export interface ResultsEntry {
  dir: string;
  view: ResultsView;
  origin: ResultsOrigin;
}

export interface ScanResult {
  loaded: string[];
  failed: { dir: string; error: unknown }[];
}

/**
 * The results folders the extension shows, keyed by folder, plus the one the charts show
 * ("current"). Opening goes through an injected function (the analysis process's
 * openResults), so the folder format is read by one piece of code only. vscode-free.
 */
export class ResultsStore {
  private readonly open: (dir: string) => Promise<ResultsView>;
  private readonly byDir = new Map<string, ResultsEntry>();
  private readonly changed = new Emitter<void>();
  private currentDir: string | undefined;

  readonly onDidChange: Event<void> = this.changed.event;

  constructor(open: (dir: string) => Promise<ResultsView>) {
    this.open = open;
  }

  entries(): ResultsEntry[] {
    return [...this.byDir.values()].sort((a, b) =>
      a.view.summary.model.fileName.localeCompare(b.view.summary.model.fileName) || a.dir.localeCompare(b.dir));
  }

  get(dir: string): ResultsEntry | undefined {
    return this.byDir.get(dir);
  }

  /** The results the charts show: the one chosen last, or the only one. */
  get current(): ResultsEntry | undefined {
    const chosen = this.currentDir === undefined ? undefined : this.byDir.get(this.currentDir);
    return chosen ?? this.entries()[0];
  }

  setCurrent(dir: string): void {
    if (this.currentDir === dir) return;
    this.currentDir = dir;
    this.changed.fire();
  }

  /** Stores results a request just returned (detect, reidentify). */
  set(dir: string, view: ResultsView, origin: ResultsOrigin): ResultsEntry {
    const entry = { dir, view, origin: this.byDir.get(dir)?.origin ?? origin };
    this.byDir.set(dir, entry);
    this.changed.fire();
    return entry;
  }

  remove(dir: string): void {
    if (this.byDir.delete(dir)) this.changed.fire();
  }

  /** Reads one folder; throws what openResults threw. */
  async load(dir: string, origin: ResultsOrigin): Promise<ResultsEntry> {
    return this.set(dir, await this.open(dir), origin);
  }

  /** Loads every `<root>/*\/summary.json` folder (the CLI's runs too); forgets vanished ones. */
  async scan(root: string, origin: ResultsOrigin): Promise<ScanResult> {
    const result: ScanResult = { loaded: [], failed: [] };
    const dirs = existsSync(root)
      ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name))
        .filter((dir) => existsSync(join(dir, 'summary.json')))
      : [];
    for (const entry of this.entries()) {
      if (entry.origin === origin && entry.dir.startsWith(root) && !dirs.includes(entry.dir)) this.remove(entry.dir);
    }
    for (const dir of dirs) {
      try {
        await this.load(dir, origin);
        result.loaded.push(dir);
      } catch (error) {
        result.failed.push({ dir, error });
      }
    }
    return result;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
