import type { ResultsView } from '../../src/protocol/results.ts';
import type { Theme } from '../theme.ts';

/** What every chart renders from. */
export interface ChartInput {
  view: ResultsView;
  theme: Theme;
  /** By language index: false where the language filter hides it. */
  visible: readonly boolean[];
}

/** CSS font shorthand for text drawn straight onto a canvas. */
export function canvasFont(theme: Theme, size = Math.max(11, theme.fontSize - 1), weight = 'normal'): string {
  return `${weight} ${size}px ${theme.fontFamily}`;
}

export function visibleLanguageIndices(input: ChartInput): number[] {
  return input.view.summary.languages.map((_, i) => i).filter((i) => input.visible[i] !== false);
}
