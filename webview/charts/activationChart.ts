import { Chart } from 'chart.js';
import type { SelectedNeuron } from '../../src/protocol/results.ts';
import { formatPercent, neuronLabel } from '../format.ts';
import { languageColor } from '../theme.ts';
import { backgroundPlugin, baseBarOptions } from './chartSetup.ts';
import { canvasFont, visibleLanguageIndices, type ChartInput } from './chartInput.ts';
import { THRESHOLD_LABEL_PADDING, thresholdLinePlugin } from './thresholdLinePlugin.ts';

/** Most neurons the chart compares at once; more would make the groups unreadable. */
export const MAX_ACTIVATION_NEURONS = 8;

/** Activation probability per language of the chosen neurons, grouped by neuron. */
export function createActivationChart(canvas: HTMLCanvasElement, input: ChartInput, neurons: readonly SelectedNeuron[]): Chart<'bar'> {
  const { summary } = input.view;
  const { theme } = input;
  const shown = neurons.slice(0, MAX_ACTIVATION_NEURONS);
  const langs = visibleLanguageIndices(input);
  const bar = summary.thresholds.activationBar;
  canvas.setAttribute(
    'aria-label',
    shown.length === 0
      ? 'Activation probability chart: no neuron selected.'
      : `Activation probability per language. ` +
          shown
            .map((n) => `${neuronLabel(n.layer, n.index)}: ${langs.map((l) => `${summary.languages[l]} ${formatPercent(n.probs[l] ?? 0)}`).join(', ')}`)
            .join('. '),
  );

  const options = baseBarOptions(theme, { x: 'Neuron (layer, index)', y: 'Activation probability' });
  options.layout = { padding: { top: 8, right: THRESHOLD_LABEL_PADDING.y } };
  options.scales = {
    ...options.scales,
    y: { ...options.scales?.y, min: 0, max: 1, ticks: { color: theme.foreground, callback: (v) => formatPercent(Number(v), 0) } },
  };
  options.plugins = {
    ...options.plugins,
    tooltip: { ...options.plugins?.tooltip, callbacks: { label: (item) => `${item.dataset.label}: ${formatPercent(Number(item.raw), 1)}` } },
  };

  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: shown.map((n) => neuronLabel(n.layer, n.index)),
      datasets: langs.map((l) => ({
        label: summary.languages[l],
        data: shown.map((n) => n.probs[l] ?? 0),
        backgroundColor: languageColor(theme, l),
        borderColor: shown.map((n) => (n.langs.includes(l) ? theme.foreground : 'transparent')),
        borderWidth: 1.5,
        // One neuron would otherwise get seven bars a hundred pixels wide.
        maxBarThickness: 36,
      })),
    },
    options,
    plugins: [
      backgroundPlugin(theme.background),
      thresholdLinePlugin({ axis: 'y', value: bar, color: theme.foreground, label: formatPercent(bar), font: canvasFont(theme) }),
    ],
  });
}
