import { flatten, parseColor, toCss, type Rgba } from './colorMath.ts';

/** Colours and fonts for one render, read from VS Code's theme variables at render time. */
export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast';
  foreground: string;
  muted: string;
  background: string;
  border: string;
  grid: string;
  /** A quiet fill for de-emphasised bars. */
  subtle: string;
  accent: string;
  fontFamily: string;
  fontSize: number;
  /** Indexed by the language's position in the results' `languages`, so colours stay put when some are hidden. */
  languageColors: string[];
  /** Diverging scale ends: below zero and above zero. */
  negative: string;
  positive: string;
  rgb: { foreground: Rgba; background: Rgba; negative: Rgba; positive: Rgba; accent: Rgba };
}

/** Fallbacks are VS Code's Dark Modern values, used only where a variable is missing. */
const PALETTE: readonly (readonly [string, string])[] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

function themeKind(body: HTMLElement): Theme['kind'] {
  if (body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light')) return 'high-contrast';
  return body.classList.contains('vscode-light') ? 'light' : 'dark';
}

export function readTheme(body: HTMLElement = document.body): Theme {
  const style = getComputedStyle(body);
  const css = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const rgb = (text: string, fallback: string): Rgba => parseColor(text) ?? (parseColor(fallback) as Rgba);

  const background = css('--vscode-editor-background', '#1f1f1f');
  const bg = rgb(background, '#1f1f1f');
  const foreground = css('--vscode-editor-foreground', '#cccccc');
  const fg = flatten(rgb(foreground, '#cccccc'), bg);
  const muted = css('--vscode-descriptionForeground', toCss({ ...fg, a: 0.7 }));
  const kind = themeKind(body);
  // Theme border colours are often translucent or absent; a faint foreground is always legible.
  const border = css('--vscode-contrastBorder', '') || css('--vscode-panel-border', toCss({ ...fg, a: 0.25 }));
  const grid = kind === 'high-contrast' ? toCss({ ...fg, a: 0.45 }) : toCss({ ...fg, a: 0.12 });
  const languageColors = PALETTE.map(([name, fallback]) => toCss(flatten(rgb(css(name, fallback), fallback), bg)));
  const negative = css('--vscode-charts-blue', '#3794ff');
  const positive = css('--vscode-charts-red', '#f14c4c');
  const accent = css('--vscode-charts-blue', '#3794ff');
  const fontSize = parseFloat(css('--vscode-font-size', '13px')) || 13;
  return {
    kind,
    foreground: toCss(fg),
    muted,
    background: toCss(bg),
    border,
    grid,
    subtle: toCss(flatten({ ...fg, a: kind === 'high-contrast' ? 0.6 : 0.35 }, bg)),
    accent,
    fontFamily: css('--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", sans-serif'),
    fontSize,
    languageColors,
    negative,
    positive,
    rgb: { foreground: fg, background: bg, negative: flatten(rgb(negative, '#3794ff'), bg), positive: flatten(rgb(positive, '#f14c4c'), bg), accent: flatten(rgb(accent, '#3794ff'), bg) },
  };
}

/** The colour for language `i`; past the palette the colours repeat (the legend still names each). */
export function languageColor(theme: Theme, i: number): string {
  return theme.languageColors[i % theme.languageColors.length];
}
