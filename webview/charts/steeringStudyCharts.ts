import { Chart, type Plugin } from 'chart.js';
import type { SteeringStudyView } from '../../src/protocol/steeringStudy.ts';
import { mix, toCss } from '../colorMath.ts';
import type { LegendItem } from '../legend.ts';
import { languageColor, type Theme } from '../theme.ts';
import { axisStyle, backgroundPlugin, canvasOptions, themedTooltip } from './chartSetup.ts';
import { canvasFont } from './chartInput.ts';
import type { HeatmapSpec } from './heatmap.ts';
import { formatRatio, methodStatus, powerOfTwoTicks, successMatrix, tradeoffPoints, type MethodStatus, type TradeoffPoint } from './steeringStudySeries.ts';
import { THRESHOLD_LABEL_PADDING, thresholdLinePlugin } from './thresholdLinePlugin.ts';

const STATUS_LABEL: Record<Exclude<MethodStatus, 'reference'>, string> = {
  best: 'best method (the verdict’s)',
  accepted: 'meets the acceptance',
  other: 'other steering methods',
};

/** One colour per standing, shared by the matrix's row swatches, the scatter's points and the legends. */
export function statusColor(theme: Theme, status: MethodStatus): string {
  if (status === 'best') return theme.accent;
  if (status === 'accepted') return toCss(mix(theme.rgb.background, theme.rgb.accent, 0.5));
  return status === 'other' ? theme.subtle : theme.foreground;
}

/** Legend items for the standings that occur in `statuses`, in a fixed order. */
export function statusLegend(theme: Theme, study: SteeringStudyView, statuses: readonly MethodStatus[]): LegendItem[] {
  const items: LegendItem[] = [];
  for (const s of ['best', 'accepted', 'other'] as const) {
    if (!statuses.includes(s)) continue;
    items.push({ label: s === 'best' && study.best ? `${study.best}: ${STATUS_LABEL.best}` : STATUS_LABEL[s], color: statusColor(theme, s) });
  }
  if (statuses.includes('reference')) items.push({ label: 'unsteered (the reference)', color: statusColor(theme, 'reference') });
  return items;
}

/** Success (%) per method × target, on a sequential scale from the background to the accent colour. */
export function successHeatmap(study: SteeringStudyView, theme: Theme, languages: readonly string[], hidden: ReadonlySet<string>): HeatmapSpec {
  const m = successMatrix(study, hidden);
  const color = (v: number) => (Number.isNaN(v) ? theme.rgb.background : mix(theme.rgb.background, theme.rgb.accent, v <= 0 ? 0.04 : 0.15 + 0.77 * Math.min(1, v / 100)));
  const targetColor = (t: string) => {
    const i = languages.indexOf(t);
    return i < 0 ? theme.subtle : languageColor(theme, i);
  };
  return {
    rowLabels: m.methods,
    colLabels: m.targets,
    rowColors: m.methods.map((name) => statusColor(theme, methodStatus(study, name))),
    colColors: m.targets.map(targetColor),
    rowAxis: 'Method',
    colAxis: 'Target language',
    panels: [{ title: 'Continuations in the target language', values: m.percent.map((row) => row.map((v) => v ?? Number.NaN)) }],
    cellSize: 38,
    cellColor: (v) => color(v),
    cellText: (v) => (Number.isNaN(v) ? '–' : `${Math.round(v)}`),
    colorBar: { min: 0, max: 100, ticks: [0, 25, 50, 75, 100], format: (v) => `${v}%`, color },
  };
}

/** Writes the best method's name beside its point, the one label the scatter carries (the others are in the table). */
function bestLabelPlugin(theme: Theme, datasetIndex: number, name: string): Plugin<'scatter'> {
  return {
    id: 'lapeStudyBestLabel',
    afterDatasetsDraw(chart) {
      const point = chart.getDatasetMeta(datasetIndex).data[0];
      if (point === undefined) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.font = canvasFont(theme, Math.max(12, theme.fontSize), '600');
      ctx.fillStyle = theme.foreground;
      ctx.textBaseline = 'middle';
      const width = ctx.measureText(name).width;
      const right = point.x + 12 + width <= chartArea.right;
      ctx.textAlign = right ? 'left' : 'right';
      ctx.fillText(name, right ? point.x + 12 : point.x - 12, point.y - 12);
      ctx.restore();
    },
  };
}

const POINT_STYLE = { best: { style: 'rectRot', radius: 8 }, accepted: { style: 'triangle', radius: 7 }, other: { style: 'circle', radius: 5 }, reference: { style: 'circle', radius: 5 } } as const;

/**
 * Mean gain over unsteered against the worst target's fluency ratio, one point per steering
 * method, x on a log scale (the ratios run from about 1 to 16). The dashed lines are the
 * acceptance's fluency limit and its per-target gain.
 */
export function createTradeoffChart(canvas: HTMLCanvasElement, study: SteeringStudyView, theme: Theme): Chart<'scatter', TradeoffPoint[]> {
  const { points } = tradeoffPoints(study);
  const { gainPoints, fluencyFactor } = study.acceptance;
  const ticks = powerOfTwoTicks(points.map((p) => p.x), fluencyFactor);
  const groups = (['other', 'accepted', 'best'] as const).map((status) => ({ status, data: points.filter((p) => p.status === status) })).filter((g) => g.data.length > 0);
  const best = points.find((p) => p.status === 'best');
  canvas.setAttribute(
    'aria-label',
    `Scatter plot of ${points.length} steering methods: mean gain over unsteered (points) against worst fluency ratio to unsteered. ` +
      (best ? `Best method: ${best.method}, gain ${best.y.toFixed(1)} points at ${formatRatio(best.x)}. ` : 'No method stays fluent. ') +
      'The values follow in a table.',
  );
  const font = canvasFont(theme);
  const plugins: Plugin<'scatter'>[] = [
    backgroundPlugin<'scatter'>(theme.background),
    thresholdLinePlugin<'scatter'>({ axis: 'x', value: fluencyFactor, color: theme.foreground, label: `fluency limit ×${fluencyFactor}`, font }),
    thresholdLinePlugin<'scatter'>({ axis: 'y', value: gainPoints, color: theme.foreground, label: `${gainPoints} points`, font }),
  ];
  const bestIndex = groups.findIndex((g) => g.status === 'best');
  if (best && bestIndex >= 0) plugins.push(bestLabelPlugin(theme, bestIndex, best.method));
  const yMin = Math.min(0, ...points.map((p) => Math.floor(p.y / 10) * 10));
  return new Chart<'scatter', TradeoffPoint[]>(canvas, {
    type: 'scatter',
    data: {
      datasets: groups.map((g) => ({
        label: STATUS_LABEL[g.status as Exclude<MethodStatus, 'reference'>],
        data: g.data,
        backgroundColor: statusColor(theme, g.status),
        borderColor: g.status === 'other' ? theme.foreground : theme.background,
        borderWidth: 1,
        pointStyle: POINT_STYLE[g.status].style,
        pointRadius: POINT_STYLE[g.status].radius,
        pointHoverRadius: POINT_STYLE[g.status].radius + 2,
        // A method at 100 points or at the widest ratio sits on the frame: draw it whole.
        clip: false as const,
      })),
    },
    options: {
      ...canvasOptions(),
      layout: { padding: { top: THRESHOLD_LABEL_PADDING.x, right: THRESHOLD_LABEL_PADDING.y + 16 } },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...themedTooltip(theme),
          callbacks: {
            label: (item) => {
              const p = item.raw as TradeoffPoint;
              return `${p.method}: gain ${p.y.toFixed(1)} points, fluency ${formatRatio(p.x)}`;
            },
          },
        },
      },
      scales: {
        x: {
          ...axisStyle(theme, 'Worst target’s fluency: perplexity ÷ unsteered (log scale)'),
          type: 'logarithmic',
          min: ticks[0],
          max: ticks[ticks.length - 1],
          afterBuildTicks: (axis) => {
            axis.ticks = ticks.map((value) => ({ value }));
          },
          ticks: { color: theme.foreground, callback: (v) => `×${Number(v)}` },
        },
        y: { ...axisStyle(theme, 'Mean gain over unsteered (points)'), type: 'linear', min: yMin, max: 100, ticks: { color: theme.foreground, stepSize: 20 } },
      },
    },
    plugins,
  });
}
