/** Number formats shared by the charts, tables and tooltips. */

const MINUS = '\u2212';

/** 0.246 → "+24.6%", -0.004 → "−0.4%": signed, since these are changes. */
export function formatChange(value: number, digits = 1): string {
  const text = (Math.abs(value) * 100).toFixed(digits);
  if (Number(text) === 0) return `${(0).toFixed(digits)}%`;
  return `${value < 0 ? MINUS : '+'}${text}%`;
}

/** 0.01 → "1.0%"; rates such as top_rate. */
export function formatPercent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function neuronLabel(layer: number, index: number): string {
  return `L${layer} #${index}`;
}
