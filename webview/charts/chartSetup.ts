import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartOptions, type ChartType, type Plugin,
} from 'chart.js';
import type { Theme } from '../theme.ts';

let registered = false;

/** Registers only what the charts use (bars, and the steering study's scatter) and applies the theme's defaults. */
export function setupChartJs(theme: Theme): void {
  if (!registered) {
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, ScatterController, PointElement, LogarithmicScale);
    registered = true;
  }
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(11, theme.fontSize - 1);
}

/**
 * Paints the theme background under the chart. Without it the canvas is transparent, and an
 * exported PNG shows light-theme text on whatever the viewer's background happens to be.
 */
export function backgroundPlugin<T extends ChartType = 'bar'>(color: string): Plugin<T> {
  return {
    id: 'lapeBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

export interface AxisTitles {
  x: string;
  y: string;
}

/** Title, grid and border of one axis, in the theme's colours. */
export function axisStyle(theme: Theme, text: string) {
  return {
    title: { display: true, text, color: theme.muted, font: { size: Math.max(11, theme.fontSize - 1) } },
    grid: { color: theme.grid },
    border: { color: theme.border },
  };
}

/** What every chart's canvas shares: no animation (renders are deterministic and instant), sized by its card. */
export function canvasOptions() {
  return {
    animation: false as const,
    // At least 2x, so exported PNGs stay sharp in a paper or a slide.
    devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2),
    responsive: true,
    maintainAspectRatio: false,
  };
}

/** The tooltip every chart shares, in the theme's colours. */
export function themedTooltip(theme: Theme) {
  return { backgroundColor: theme.background, titleColor: theme.foreground, bodyColor: theme.foreground, borderColor: theme.border, borderWidth: 1 };
}

/** Options every bar chart shares; no canvas legend (the legend is HTML). */
export function baseBarOptions(theme: Theme, titles: AxisTitles): ChartOptions<'bar'> {
  return {
    ...canvasOptions(),
    layout: { padding: { top: 8, right: 8 } },
    plugins: {
      legend: { display: false },
      tooltip: themedTooltip(theme),
    },
    scales: {
      x: { ...axisStyle(theme, titles.x), ticks: { color: theme.foreground } },
      y: { ...axisStyle(theme, titles.y), ticks: { color: theme.foreground }, beginAtZero: true },
    },
  };
}
