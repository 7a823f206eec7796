import { mix } from '../colorMath.ts';
import { formatChange } from '../format.ts';
import { languageColor } from '../theme.ts';
import { visibleLanguageIndices, type ChartInput } from './chartInput.ts';
import type { HeatmapPanel, HeatmapSpec } from './heatmap.ts';

/**
 * Relative perplexity change, deactivated language (rows) × evaluated language (columns),
 * next to the same number of random neurons deactivated. Both share one symmetric diverging
 * scale, so the baseline's paleness is the finding, not an artefact of separate scales.
 * Undefined when the results have no perplexity evaluation.
 */
export function perplexityHeatmap(input: ChartInput): HeatmapSpec | undefined {
  const { summary } = input.view;
  if (summary.pplChange === null) return undefined;
  const { theme } = input;
  const langs = visibleLanguageIndices(input);
  const pick = (m: number[][]): number[][] => langs.map((d) => langs.map((e) => m[d]?.[e] ?? 0));
  const panels: HeatmapPanel[] = [{ title: 'Language neurons deactivated', values: pick(summary.pplChange) }];
  if (summary.randomPplChange !== null) panels.push({ title: 'Random neurons deactivated', values: pick(summary.randomPplChange) });

  const extent = Math.max(1e-6, ...panels.flatMap((p) => p.values.flat().map((v) => Math.abs(v))));
  const { background, negative, positive } = theme.rgb;
  // Square root: a 1% change still shows a tint next to a 40% one, as it should to a reader comparing against the baseline.
  const color = (v: number) => mix(background, v < 0 ? negative : positive, 0.92 * Math.sqrt(Math.min(1, Math.abs(v) / extent)));
  const colors = langs.map((l) => languageColor(theme, l));
  return {
    rowLabels: langs.map((l) => summary.languages[l]),
    colLabels: langs.map((l) => summary.languages[l]),
    rowColors: colors,
    colColors: colors,
    rowAxis: 'Deactivated language',
    colAxis: 'Evaluated language',
    panels,
    cellSize: 48,
    cellColor: (v) => color(v),
    cellText: (v) => formatChange(v),
    colorBar: { min: -extent, max: extent, ticks: [-extent, -extent / 4, 0, extent / 4, extent], format: (v) => formatChange(v, 0), color },
  };
}
