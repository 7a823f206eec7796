import { mix } from '../colorMath.ts';
import { formatPercent } from '../format.ts';
import { languageColor } from '../theme.ts';
import { visibleLanguageIndices, type ChartInput } from './chartInput.ts';
import type { HeatmapSpec } from './heatmap.ts';

/**
 * Neurons two languages share. The cells show counts (the diagonal is each language's
 * total); the colour is the share of the smaller of the two sets, so a pair of small
 * languages that share most of their neurons stands out as much as a large pair would.
 */
export function overlapHeatmap(input: ChartInput): HeatmapSpec {
  const { summary } = input.view;
  const { theme } = input;
  const langs = visibleLanguageIndices(input);
  const values = langs.map((a) => langs.map((b) => summary.overlap[a]?.[b] ?? 0));
  const totals = langs.map((l) => summary.overlap[l]?.[l] ?? 0);
  const share = (v: number, i: number, j: number): number => {
    const smaller = Math.min(totals[i], totals[j]);
    return smaller > 0 ? v / smaller : 0;
  };
  const bg = theme.rgb.background;
  const accent = theme.rgb.accent;
  const color = (t: number) => mix(bg, accent, t <= 0 ? 0.04 : 0.15 + 0.85 * Math.sqrt(Math.min(1, t)));
  const colors = langs.map((l) => languageColor(theme, l));
  return {
    rowLabels: langs.map((l) => summary.languages[l]),
    colLabels: langs.map((l) => summary.languages[l]),
    rowColors: colors,
    colColors: colors,
    rowAxis: 'Language',
    colAxis: 'Language',
    panels: [{ title: 'Shared language-specific neurons', values }],
    cellSize: 40,
    cellColor: (v, i, j) => color(share(v, i, j)),
    cellText: (v) => String(v),
    colorBar: { min: 0, max: 1, ticks: [0, 0.25, 0.5, 1], format: (t) => formatPercent(t, 0), color: (t) => color(t) },
  };
}

