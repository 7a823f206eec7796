import { Chart } from 'chart.js';
import { axisStyle, backgroundPlugin, baseBarOptions } from './chartSetup.ts';
import { canvasFont, type ChartInput } from './chartInput.ts';
import { THRESHOLD_LABEL_PADDING, thresholdLinePlugin } from './thresholdLinePlugin.ts';

/**
 * LAPE of every neuron that passed the filter. Bins left of the selection threshold hold
 * the selected neurons; the dashed line is the top_rate cut-off.
 */
export function createLapeHistogramChart(canvas: HTMLCanvasElement, input: ChartInput): Chart<'bar', { x: number; y: number }[]> {
  const { lapeHistogram: h } = input.view.summary;
  const { theme } = input;
  const threshold = h.selectionThreshold;
  const points = h.counts.map((y, b) => ({ x: (h.edges[b] + h.edges[b + 1]) / 2, y }));
  const selected = h.counts.reduce((sum, c, b) => sum + (h.edges[b] < threshold ? c : 0), 0);
  const total = h.counts.reduce((a, b) => a + b, 0);
  canvas.setAttribute(
    'aria-label',
    `Histogram of LAPE over ${total} neurons that passed the filter, in ${h.counts.length} bins from ${h.edges[0].toFixed(2)} to ${h.edges[h.edges.length - 1].toFixed(2)}. ` +
      `Selection threshold ${threshold.toFixed(3)}; about ${selected} neurons fall below it.`,
  );

  const options = baseBarOptions(theme, { x: 'LAPE (entropy over languages, nats)', y: 'Neurons' });
  const min = h.edges[0];
  const max = h.edges[h.edges.length - 1];
  options.layout = { padding: { top: THRESHOLD_LABEL_PADDING.x, right: 12 } };
  options.scales = {
    ...options.scales,
    x: { ...axisStyle(theme, 'LAPE (entropy over languages, nats)'), type: 'linear', min, max, offset: false, ticks: { color: theme.foreground, maxTicksLimit: 9 } },
    y: { ...options.scales?.y, ticks: { color: theme.foreground, precision: 0 } },
  };
  options.plugins = {
    ...options.plugins,
    tooltip: {
      ...options.plugins?.tooltip,
      callbacks: {
        title: (items) => {
          const b = items[0]?.dataIndex ?? 0;
          return `LAPE ${h.edges[b].toFixed(3)}–${h.edges[b + 1].toFixed(3)}`;
        },
      },
    },
  };

  return new Chart(canvas, {
    type: 'bar',
    data: {
      datasets: [
        {
          label: 'Neurons',
          data: points,
          backgroundColor: points.map((_, b) => (h.edges[b] < threshold ? theme.accent : theme.subtle)),
          barPercentage: 1,
          categoryPercentage: 1,
          grouped: false,
          borderColor: theme.background,
          borderWidth: 1,
        },
      ],
    },
    options,
    plugins: [
      backgroundPlugin(theme.background),
      thresholdLinePlugin({ axis: 'x', value: threshold, color: theme.foreground, label: `selection threshold ${threshold.toFixed(3)}`, font: canvasFont(theme) }),
    ],
  });
}
