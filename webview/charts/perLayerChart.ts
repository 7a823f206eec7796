import { Chart } from 'chart.js';
import { languageColor } from '../theme.ts';
import { backgroundPlugin, baseBarOptions } from './chartSetup.ts';
import { visibleLanguageIndices, type ChartInput } from './chartInput.ts';

/** The paper's main figure: language-specific neurons per layer, stacked by language. */
export function createPerLayerChart(canvas: HTMLCanvasElement, input: ChartInput): Chart<'bar'> {
  const { summary } = input.view;
  const { theme } = input;
  const langs = visibleLanguageIndices(input);
  const layers = summary.perLayerCounts[0]?.length ?? summary.model.nLayer;
  const options = baseBarOptions(theme, { x: 'Layer', y: 'Language-specific neurons' });
  options.scales = { ...options.scales, x: { ...options.scales?.x, stacked: true }, y: { ...options.scales?.y, stacked: true, ticks: { color: theme.foreground, precision: 0 } } };

  const totals = Array.from({ length: layers }, (_, layer) => langs.reduce((sum, l) => sum + (summary.perLayerCounts[l]?.[layer] ?? 0), 0));
  const top = totals.map((count, layer) => ({ count, layer })).sort((a, b) => b.count - a.count).slice(0, 3);
  canvas.setAttribute(
    'aria-label',
    `Stacked bar chart of language-specific neurons in each of ${layers} layers for ${langs.map((l) => summary.languages[l]).join(', ')}. ` +
      `Most are in layers ${top.map((t) => `${t.layer} (${t.count})`).join(', ')}.`,
  );

  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: Array.from({ length: layers }, (_, i) => String(i)),
      datasets: langs.map((l) => ({
        label: summary.languages[l],
        data: summary.perLayerCounts[l] ?? [],
        backgroundColor: languageColor(theme, l),
        borderColor: theme.background,
        borderWidth: { top: 1, right: 0, bottom: 0, left: 0 },
        stack: 'languages',
      })),
    },
    options,
    plugins: [backgroundPlugin(theme.background)],
  });
}
