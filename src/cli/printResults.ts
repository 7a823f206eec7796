import type { ResultsView } from '../protocol/results.ts';
import { percent, table } from './output.ts';

/** Human-readable results: neurons per language and layer, overlap, perplexity changes. */
export function formatResults(view: ResultsView, dir: string): string {
  const { summary } = view;
  const langs = summary.languages;
  const out: string[] = [];
  out.push(`Model ${summary.model.name && summary.model.name !== summary.model.fileName ? `${summary.model.name}, ` : ''}${summary.model.fileName} (${summary.model.architecture}, ${summary.model.nLayer} layers x ${summary.model.nFf} neurons)`);
  out.push(`Thresholds: top_rate ${summary.params.topRate}, filter_rate ${summary.params.filterRate} (p > ${summary.thresholds.filter.toPrecision(4)}), activation_bar_ratio ${summary.params.activationBarRatio} (p > ${summary.thresholds.activationBar.toPrecision(4)})`);
  out.push('');
  const layers = summary.perLayerCounts[0]?.length ?? 0;
  const header = ['lang', 'tokens', 'neurons', ...Array.from({ length: layers }, (_, l) => `L${l}`)];
  out.push(table([header, ...langs.map((l, i) => [l, summary.tokens[l]?.detect ?? 0, summary.overlap[i][i], ...summary.perLayerCounts[i]])]));
  out.push('');
  out.push('Overlap (neurons shared):');
  out.push(table([['', ...langs], ...langs.map((l, i) => [l, ...summary.overlap[i]])]));
  if (summary.pplChange && summary.randomPplChange) {
    out.push('');
    out.push('Perplexity change, rows: neurons deactivated, columns: language evaluated');
    out.push(table([['', ...langs], ...langs.map((l, i) => [l, ...summary.pplChange![i].map((v) => percent(v))])]));
    out.push('');
    out.push('Random baseline (same number of random neurons per layer):');
    out.push(table([['', ...langs], ...langs.map((l, i) => [`rand(${l})`, ...summary.randomPplChange![i].map((v) => percent(v))])]));
    const diagWins = countDiagonalWins(summary.pplChange);
    out.push('');
    out.push(`Deactivating a language's neurons hurts that language most for ${diagWins} of ${langs.length} languages.`);
  }
  for (const warning of summary.warnings ?? []) out.push(`\nWarning: ${warning}`);
  out.push('');
  out.push(`Results in ${dir}`);
  return out.join('\n');
}

/** Languages L for which deactivating L raises L's perplexity more than any other language's. */
export function countDiagonalWins(pplChange: number[][]): number {
  return pplChange.filter((row, i) => row.every((v, j) => j === i || row[i] > v)).length;
}
