import { basename, isAbsolute, join } from 'node:path';

/** A folder name for a model's results: its file name without `.gguf`, safe on every OS. */
export function modelStem(modelFile: string): string {
  const name = basename(modelFile).replace(/\.gguf$/i, '');
  const safe = name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '');
  return safe === '' ? 'model' : safe;
}

export interface ResultsRootOptions {
  /** The first workspace folder, when one is open. */
  workspaceFolder?: string;
  /** The `languageNeurons.resultsFolder` setting: relative to the workspace folder, or absolute. */
  resultsFolder: string;
  /** The extension's global storage, used when no folder is open. */
  globalStorage: string;
}

/**
 * Where results folders live: `<workspace>/.lape/` by default, the same place `lape detect`
 * writes to when run from the workspace root, so CLI and extension see each other's runs.
 * vscode-free.
 */
export function resultsRoot(o: ResultsRootOptions): string {
  const folder = o.resultsFolder.trim() === '' ? '.lape' : o.resultsFolder.trim();
  if (isAbsolute(folder)) return folder;
  if (o.workspaceFolder !== undefined) return join(o.workspaceFolder, folder);
  return join(o.globalStorage, 'results');
}

/** The results folder of one model: `<root>/<model-file-stem>/`. */
export function resultsDirFor(root: string, modelFile: string): string {
  return join(root, modelStem(modelFile));
}
