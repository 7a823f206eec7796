import { bestContrast, toCss, type Rgba } from '../colorMath.ts';
import type { Theme } from '../theme.ts';
import { canvasFont } from './chartInput.ts';

export interface HeatmapPanel {
  title: string;
  /** [row][column] */
  values: number[][];
}

export interface HeatmapSpec {
  rowLabels: string[];
  colLabels: string[];
  /** Swatches beside the labels, so the matrix reads with the same legend as the bar charts. */
  rowColors: string[];
  colColors: string[];
  rowAxis: string;
  colAxis: string;
  panels: HeatmapPanel[];
  cellSize: number;
  cellColor(value: number, row: number, col: number): Rgba;
  cellText(value: number, row: number, col: number): string;
  colorBar: { min: number; max: number; ticks: number[]; format(value: number): string; color(value: number): Rgba };
}

const PAD = 10;
const PANEL_GAP = 28;
const BAR_WIDTH = 12;
const AXIS_TITLE = 18;
/** Panel title and column labels above the grid. */
const HEAD = 42;

/**
 * Draws one or more matrices with a shared colour bar: side by side where `availableWidth`
 * allows, else stacked, so the numbers keep their size in a narrow editor column. Chart.js
 * has no matrix chart without a plugin, and numbers in cells are easier on a plain canvas.
 * CSS scales the canvas down only when even one matrix does not fit.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, spec: HeatmapSpec, theme: Theme, availableWidth = Infinity): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const font = canvasFont(theme);
  const bold = canvasFont(theme, Math.max(12, theme.fontSize), '600');
  ctx.font = font;
  const labelWidth = Math.max(...spec.rowLabels.map((l) => ctx.measureText(l).width), 10) + 18;
  const tickWidth = Math.max(...spec.colorBar.ticks.map((t) => ctx.measureText(spec.colorBar.format(t)).width), 10) + 8;
  const grid = { w: spec.colLabels.length * spec.cellSize, h: spec.rowLabels.length * spec.cellSize };
  const panel = { w: labelWidth + grid.w, h: HEAD + grid.h + 8 + AXIS_TITLE };
  const frame = PAD + AXIS_TITLE + 20 + BAR_WIDTH + tickWidth + PAD;
  const count = spec.panels.length;
  const sideBySide = frame + count * panel.w + (count - 1) * PANEL_GAP <= availableWidth;
  const cols = sideBySide ? count : 1;
  const rows = sideBySide ? 1 : count;
  const width = frame + cols * panel.w + (cols - 1) * PANEL_GAP;
  const height = PAD + rows * panel.h + (rows - 1) * PANEL_GAP + PAD;

  const scale = Math.max(window.devicePixelRatio || 1, 2);
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.style.width = `${width}px`;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);

  spec.panels.forEach((values, p) => {
    const x0 = PAD + AXIS_TITLE + (sideBySide ? p : 0) * (panel.w + PANEL_GAP) + labelWidth;
    const y0 = PAD + (sideBySide ? 0 : p) * (panel.h + PANEL_GAP);
    drawPanel(ctx, spec, theme, values, { x0, top: y0 + HEAD, labelWidth, grid, font, bold });
    // The row axis title runs up the left edge, once per row of panels.
    if (p === 0 || !sideBySide) drawRowAxis(ctx, spec.rowAxis, theme, y0 + HEAD + grid.h / 2);
  });
  drawColorBar(ctx, spec, theme, width - PAD - tickWidth - BAR_WIDTH, PAD + HEAD, grid.h);
}

interface PanelGeometry {
  x0: number;
  top: number;
  labelWidth: number;
  grid: { w: number; h: number };
  font: string;
  bold: string;
}

function drawPanel(ctx: CanvasRenderingContext2D, spec: HeatmapSpec, theme: Theme, panel: HeatmapPanel, g: PanelGeometry): void {
  const { x0, top, grid } = g;
  ctx.fillStyle = theme.foreground;
  ctx.font = g.bold;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(panel.title, x0 + grid.w / 2, top - HEAD, grid.w + g.labelWidth);

  ctx.font = g.font;
  ctx.textBaseline = 'middle';
  spec.colLabels.forEach((label, j) => {
    const cx = x0 + (j + 0.5) * spec.cellSize;
    const w = ctx.measureText(label).width;
    ctx.fillStyle = spec.colColors[j];
    ctx.fillRect(cx - w / 2 - 11, top - 14, 8, 8);
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'left';
    ctx.fillText(label, cx - w / 2 + 1, top - 10);
  });
  spec.rowLabels.forEach((label, i) => {
    const cy = top + (i + 0.5) * spec.cellSize;
    ctx.fillStyle = spec.rowColors[i];
    ctx.fillRect(x0 - g.labelWidth + 2, cy - 4, 8, 8);
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'right';
    ctx.fillText(label, x0 - 6, cy);
  });

  const fg = theme.rgb.foreground;
  const bg = theme.rgb.background;
  ctx.textAlign = 'center';
  panel.values.forEach((row, i) =>
    row.forEach((value, j) => {
      const color = spec.cellColor(value, i, j);
      const x = x0 + j * spec.cellSize;
      const y = top + i * spec.cellSize;
      ctx.fillStyle = toCss(color);
      ctx.fillRect(x + 1, y + 1, spec.cellSize - 2, spec.cellSize - 2);
      ctx.fillStyle = toCss(bestContrast(color, [fg, bg]));
      ctx.fillText(spec.cellText(value, i, j), x + spec.cellSize / 2, y + spec.cellSize / 2, spec.cellSize - 4);
    }),
  );
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 + 0.5, top + 0.5, grid.w - 1, grid.h - 1);
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = 'top';
  ctx.fillText(spec.colAxis, x0 + grid.w / 2, top + grid.h + 8);
}

function drawRowAxis(ctx: CanvasRenderingContext2D, text: string, theme: Theme, centerY: number): void {
  ctx.save();
  ctx.translate(PAD + 6, centerY);
  ctx.rotate(-Math.PI / 2);
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

function drawColorBar(ctx: CanvasRenderingContext2D, spec: HeatmapSpec, theme: Theme, x: number, y: number, h: number): void {
  const { min, max } = spec.colorBar;
  const steps = Math.max(2, Math.round(h));
  for (let s = 0; s < steps; s++) {
    const value = max - ((max - min) * s) / (steps - 1);
    ctx.fillStyle = toCss(spec.colorBar.color(value));
    ctx.fillRect(x, y + (h * s) / steps, BAR_WIDTH, h / steps + 1);
  }
  ctx.strokeStyle = theme.border;
  ctx.strokeRect(x + 0.5, y + 0.5, BAR_WIDTH - 1, h - 1);
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const t of spec.colorBar.ticks) {
    const ty = y + ((max - t) / (max - min || 1)) * h;
    ctx.fillRect(x + BAR_WIDTH, ty, 3, 1);
    ctx.fillText(spec.colorBar.format(t), x + BAR_WIDTH + 5, ty);
  }
}
