import type { ResultsSummary } from '../protocol/results.ts';

/**
 * The paper's main figure as text: language-specific neurons per layer, all languages
 * stacked, one bar per layer, and the share in the bottom and top quarters of the layers.
 */
export function layerFigure(summary: Pick<ResultsSummary, 'perLayerCounts' | 'languages'>, width = 40): string {
  const nLayer = summary.perLayerCounts[0]?.length ?? 0;
  const totals = Array.from({ length: nLayer }, (_, l) => summary.perLayerCounts.reduce((a, row) => a + row[l], 0));
  const max = Math.max(1, ...totals);
  const all = totals.reduce((a, b) => a + b, 0);
  const lines = totals.map((n, l) => `L${String(l).padStart(2)} ${'█'.repeat(Math.round((n / max) * width)).padEnd(width)} ${n}`);
  const quarter = Math.max(1, Math.round(nLayer / 4));
  const share = (from: number, to: number) => (all === 0 ? 0 : totals.slice(from, to).reduce((a, b) => a + b, 0) / all);
  lines.push(`bottom ${quarter} layers: ${(share(0, quarter) * 100).toFixed(0)}%, top ${quarter} layers: ${(share(nLayer - quarter, nLayer) * 100).toFixed(0)}%, the ${nLayer - 2 * quarter} between: ${(share(quarter, nLayer - quarter) * 100).toFixed(0)}% of ${all} (language, neuron) pairs`);
  return lines.join('\n');
}
