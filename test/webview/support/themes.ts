/**
 * Theme variable sets as VS Code injects them into a webview (on <html>, with a body class).
 * Values from VS Code's Dark Modern and Light Modern themes.
 */
export interface ThemeVars {
  bodyClass: string;
  vars: Record<string, string>;
}

const COMMON = {
  '--vscode-font-family': 'system-ui, -apple-system, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
  '--vscode-editor-font-size': '12px',
};

export const DARK_THEME: ThemeVars = {
  bodyClass: 'vscode-dark',
  vars: {
    ...COMMON,
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-terminal-ansiCyan': '#11a8cd',
    '--vscode-terminal-ansiMagenta': '#bc3fbc',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-border': '#ffffff12',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-button-secondaryHoverBackground': '#3c3c3c',
    '--vscode-settings-checkboxBackground': '#313131',
    '--vscode-settings-checkboxBorder': '#3c3c3c',
    '--vscode-settings-checkboxForeground': '#cccccc',
    '--vscode-dropdown-background': '#313131',
    '--vscode-dropdown-foreground': '#cccccc',
    '--vscode-dropdown-border': '#3c3c3c',
    '--vscode-progressBar-background': '#0078d4',
    '--vscode-list-activeSelectionBackground': '#04395e',
    '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-inputValidation-errorBackground': '#5a1d1d',
    '--vscode-inputValidation-errorBorder': '#be1100',
  },
};

export const LIGHT_THEME: ThemeVars = {
  bodyClass: 'vscode-light',
  vars: {
    ...COMMON,
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#652d90',
    '--vscode-terminal-ansiCyan': '#0598bc',
    '--vscode-terminal-ansiMagenta': '#bc05bc',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-button-border': '#0000001a',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-button-secondaryHoverBackground': '#cccccc',
    '--vscode-settings-checkboxBackground': '#f8f8f8',
    '--vscode-settings-checkboxBorder': '#cecece',
    '--vscode-settings-checkboxForeground': '#1f1f1f',
    '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-foreground': '#3b3b3b',
    '--vscode-dropdown-border': '#cecece',
    '--vscode-progressBar-background': '#005fb8',
    '--vscode-list-activeSelectionBackground': '#e8e8e8',
    '--vscode-list-activeSelectionForeground': '#000000',
    '--vscode-inputValidation-errorBackground': '#f2dede',
    '--vscode-inputValidation-errorBorder': '#be1100',
  },
};
