/** The shape of `WorkspaceConfiguration.inspect()` that matters here. */
export interface SettingInspection<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value of a setting that names something to load or write (a model file, a results
 * folder). A workspace someone else wrote could point it anywhere, so until the workspace
 * is trusted only the user's own (global) value and the default count. vscode-free.
 */
export function trustedSetting<T>(inspection: SettingInspection<T> | undefined, trusted: boolean): T | undefined {
  if (!inspection) return undefined;
  if (trusted) return inspection.workspaceFolderValue ?? inspection.workspaceValue ?? inspection.globalValue ?? inspection.defaultValue;
  return inspection.globalValue ?? inspection.defaultValue;
}

/** Where a chosen value should be written so that it takes effect: over a workspace value if one wins. */
export function settingTarget<T>(inspection: SettingInspection<T> | undefined, trusted: boolean): 'global' | 'workspace' {
  return trusted && inspection?.workspaceValue !== undefined ? 'workspace' : 'global';
}
