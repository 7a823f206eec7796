import type { Chart } from 'chart.js';
import type { SteeringStudyView } from '../src/protocol/steeringStudy.ts';
import type { ChartCard } from './chartCard.ts';
import { createTradeoffChart, statusColor, statusLegend, successHeatmap } from './charts/steeringStudyCharts.ts';
import { drawHeatmap } from './charts/heatmap.ts';
import { methodStatus, studyMetaLine, studyVerdict, summaryTable, tradeoffPoints } from './charts/steeringStudySeries.ts';
import { renderDataTable } from './dataTable.ts';
import { h } from './dom.ts';
import { renderLegend } from './legend.ts';
import type { Theme } from './theme.ts';

/**
 * The "Steering study" section: the record of scripts/steering-study/run.ts when the results
 * folder holds one, hidden otherwise. Success per method and target as a matrix, gain against
 * fluency as a scatter, and the study's verdict in words.
 */
export class SteeringStudySection {
  readonly root: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly verdict: HTMLElement;
  private chart: Chart | undefined;

  constructor(private readonly success: ChartCard, private readonly tradeoff: ChartCard) {
    this.meta = h('p', { class: 'meta' });
    this.verdict = h('p', { class: 'study-verdict' });
    this.root = h(
      'section',
      { class: 'study', id: 'steering-study', 'aria-labelledby': 'title-steering-study', hidden: true },
      h('h2', { id: 'title-steering-study' }, 'Steering study'),
      this.meta,
      this.verdict,
      h('div', { class: 'cards study-cards' }, success.root, tradeoff.root),
    );
  }

  /** Draws `study`, or hides the section when there is none. `hidden`: target languages the language filter hides. */
  render(study: SteeringStudyView | undefined, theme: Theme, languages: readonly string[], hidden: ReadonlySet<string>): void {
    this.destroy();
    this.root.hidden = study === undefined;
    if (study === undefined) return;
    this.meta.textContent = studyMetaLine(study);
    this.verdict.textContent = studyVerdict(study);
    this.renderSuccess(study, theme, languages, hidden);
    this.renderTradeoff(study, theme);
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  private renderSuccess(study: SteeringStudyView, theme: Theme, languages: readonly string[], hidden: ReadonlySet<string>): void {
    const card = this.success;
    const spec = successHeatmap(study, theme, languages, hidden);
    const caption = 'Share of continuations identified as the target language (%), rows: method, columns: target language';
    drawHeatmap(card.canvas, spec, theme, card.body.clientWidth > 0 ? card.body.clientWidth : Infinity);
    card.canvas.setAttribute('aria-label', `${caption}. The values follow in a table.`);
    renderLegend(card.legend, statusLegend(theme, study, study.methods.map((m) => methodStatus(study, m.name))));
    renderDataTable(card.table, {
      caption,
      corner: 'method \\ target',
      rowLabels: spec.rowLabels,
      colLabels: spec.colLabels,
      cells: spec.panels[0].values.map((row) => row.map((v) => (Number.isNaN(v) ? 'not measured' : `${Math.round(v)}%`))),
    });
  }

  private renderTradeoff(study: SteeringStudyView, theme: Theme): void {
    const card = this.tradeoff;
    const { points, offChart } = tradeoffPoints(study);
    this.chart = createTradeoffChart(card.canvas, study, theme);
    const { gainPoints, fluencyFactor, targets } = study.acceptance;
    renderLegend(card.legend, [
      ...statusLegend(theme, study, points.map((p) => p.status)),
      { label: `fluency limit: ×${fluencyFactor} unsteered`, color: theme.foreground, kind: 'line' },
      { label: `${gainPoints}-point gain (the acceptance asks it of ${targets} targets)`, color: theme.foreground, kind: 'line' },
    ]);
    card.setStatus(offChart.length > 0 ? `Not drawn, no fluency ratio (some target got no text): ${offChart.join(', ')}.` : '');
    const table = summaryTable(study);
    renderDataTable(card.table, { caption: 'Each steering method against the acceptance', corner: 'method', ...table });
    // The best method's row stands out in the table as its point does in the chart.
    const best = study.best === null ? -1 : study.summaries.findIndex((s) => s.method === study.best);
    const row = card.table.querySelectorAll('tbody tr')[best];
    if (row !== undefined) {
      row.classList.add('is-best');
      (row.firstElementChild as HTMLElement).style.borderLeftColor = statusColor(theme, 'best');
    }
  }
}
