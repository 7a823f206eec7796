import type { ChartType, Plugin } from 'chart.js';

/** Layout padding a chart needs for the label: above the plot for 'x', right of it for 'y'. */
export const THRESHOLD_LABEL_PADDING = { x: 20, y: 44 } as const;

export interface ThresholdLineOptions {
  /** The scale the value belongs to: 'x' draws a vertical line, 'y' a horizontal one. */
  axis: 'x' | 'y';
  value: number;
  color: string;
  label: string;
  /** A CSS font shorthand for the label. */
  font: string;
}

/**
 * A dashed line at a value of one scale, with a label. Small enough to keep inline rather
 * than pull in chartjs-plugin-annotation for one line per chart.
 */
export function thresholdLinePlugin<T extends ChartType = 'bar'>(options: ThresholdLineOptions): Plugin<T> {
  return {
    id: 'lapeThresholdLine',
    afterDatasetsDraw(chart) {
      const scale = chart.scales[options.axis];
      if (scale === undefined || !Number.isFinite(options.value)) return;
      const { ctx, chartArea } = chart;
      const at = scale.getPixelForValue(options.value);
      const inside = options.axis === 'x' ? at >= chartArea.left && at <= chartArea.right : at >= chartArea.top && at <= chartArea.bottom;
      if (!inside) return;
      ctx.save();
      ctx.strokeStyle = options.color;
      ctx.fillStyle = options.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      if (options.axis === 'x') {
        ctx.moveTo(at, chartArea.top);
        ctx.lineTo(at, chartArea.bottom);
      } else {
        ctx.moveTo(chartArea.left, at);
        ctx.lineTo(chartArea.right, at);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      // Labels go in the padding outside the plot (see THRESHOLD_LABEL_PADDING), never over bars.
      ctx.font = options.font;
      ctx.fillStyle = options.color;
      ctx.textBaseline = 'middle';
      if (options.axis === 'x') {
        const width = ctx.measureText(options.label).width;
        ctx.textAlign = 'left';
        const x = Math.min(Math.max(at - width / 2, chartArea.left), chartArea.right - width);
        ctx.fillText(options.label, x, chartArea.top - THRESHOLD_LABEL_PADDING.x / 2);
      } else {
        ctx.textAlign = 'left';
        ctx.fillText(options.label, chartArea.right + 4, at);
      }
      ctx.restore();
    },
  };
}
