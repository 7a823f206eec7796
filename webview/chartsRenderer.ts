import type { Chart } from 'chart.js';
import type { SelectedNeuron } from '../src/protocol/results.ts';
import type { ChartId } from '../src/protocol/webviewMessages.ts';
import { createActivationChart, MAX_ACTIVATION_NEURONS } from './charts/activationChart.ts';
import { visibleLanguageIndices, type ChartInput } from './charts/chartInput.ts';
import { setupChartJs } from './charts/chartSetup.ts';
import { drawHeatmap, type HeatmapSpec } from './charts/heatmap.ts';
import { createLapeHistogramChart } from './charts/lapeHistogramChart.ts';
import { overlapHeatmap } from './charts/overlapHeatmap.ts';
import { createPerLayerChart } from './charts/perLayerChart.ts';
import { perplexityHeatmap } from './charts/perplexityHeatmap.ts';
import type { ChartCard } from './chartCard.ts';
import { renderDataTable } from './dataTable.ts';
import { formatPercent } from './format.ts';
import { renderLegend, type LegendItem } from './legend.ts';
import type { SteeringStudySection } from './steeringStudySection.ts';
import { languageColor, type Theme } from './theme.ts';

export type ChartCards = Record<ChartId, ChartCard>;

/** Owns the Chart.js instances and redraws every chart from scratch: renders are cheap and stateless that way. */
export class ChartsRenderer {
  private readonly charts = new Map<ChartId, Chart>();
  private lastInput: ChartInput | undefined;
  private readonly drawnWidth = new Map<ChartId, number>();
  // Chart.js resizes its own charts; the matrices are redrawn to pick side-by-side or stacked.
  private readonly resizeObserver = new ResizeObserver(() => {
    if (this.lastInput && (['overlap', 'perplexity'] as const).some((id) => this.drawnWidth.get(id) !== this.cards[id].body.clientWidth)) this.renderMatrices(this.lastInput);
  });

  constructor(private readonly cards: ChartCards, private readonly study: SteeringStudySection) {
    this.resizeObserver.observe(cards.overlap.body);
    this.resizeObserver.observe(cards.perplexity.body);
  }

  renderAll(input: ChartInput, neurons: readonly SelectedNeuron[]): void {
    setupChartJs(input.theme);
    const langLegend = this.languageLegend(input);
    this.replace('perLayer', () => createPerLayerChart(this.cards.perLayer.canvas, input));
    renderLegend(this.cards.perLayer.legend, langLegend);

    this.replace('lapeHistogram', () => createLapeHistogramChart(this.cards.lapeHistogram.canvas, input));
    renderLegend(this.cards.lapeHistogram.legend, this.histogramLegend(input));

    this.renderActivation(input, neurons);
    this.renderMatrices(input);
    const { summary, steeringStudy } = input.view;
    this.study.render(steeringStudy, input.theme, summary.languages, new Set(summary.languages.filter((_, i) => input.visible[i] === false)));
  }

  private renderMatrices(input: ChartInput): void {
    this.lastInput = input;
    this.renderMatrix('overlap', overlapHeatmap(input), input.theme, 'Neurons shared by two languages (diagonal: the language’s total)');
    const ppl = perplexityHeatmap(input);
    if (ppl === undefined) {
      this.cards.perplexity.setEmpty('These results have no perplexity evaluation. Run detection with evaluation enabled to fill this chart.');
      renderLegend(this.cards.perplexity.legend, []);
    } else {
      this.cards.perplexity.setEmpty(undefined);
      this.renderMatrix('perplexity', ppl, input.theme, 'Relative perplexity change, rows: deactivated language, columns: evaluated language');
    }
  }

  renderActivation(input: ChartInput, neurons: readonly SelectedNeuron[]): void {
    setupChartJs(input.theme);
    const card = this.cards.activation;
    this.replace('activation', () => createActivationChart(card.canvas, input, neurons));
    const items = this.languageLegend(input);
    items.push({ label: `activation bar (${formatPercent(input.view.summary.thresholds.activationBar)})`, color: input.theme.foreground, kind: 'line' });
    renderLegend(card.legend, items);
    card.setEmpty(neurons.length === 0 ? 'Select one or more neurons in the list to compare their activation probabilities.' : undefined);
    card.setStatus(neurons.length > MAX_ACTIVATION_NEURONS ? `Showing the first ${MAX_ACTIVATION_NEURONS} of ${neurons.length} selected neurons.` : '');
  }

  /** PNG of a chart as a data URL, at the resolution it was drawn. */
  exportPng(id: ChartId): string {
    const chart = this.charts.get(id);
    return chart ? chart.toBase64Image('image/png') : this.cards[id].canvas.toDataURL('image/png');
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.study.destroy();
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  /** Chart.js refuses a canvas that a live chart still holds, so the old one goes first. */
  private replace(id: ChartId, create: () => Chart): void {
    this.charts.get(id)?.destroy();
    this.charts.delete(id);
    this.charts.set(id, create());
  }

  private renderMatrix(id: 'overlap' | 'perplexity', spec: HeatmapSpec, theme: Theme, caption: string): void {
    const card = this.cards[id];
    const width = card.body.clientWidth;
    this.drawnWidth.set(id, width);
    drawHeatmap(card.canvas, spec, theme, width > 0 ? width : Infinity);
    card.canvas.setAttribute('aria-label', `${spec.panels.map((p) => p.title).join(' and ')}: ${caption}. The values follow in a table.`);
    renderLegend(card.legend, spec.rowLabels.map((label, i) => ({ label, color: spec.rowColors[i] })));
    card.table.replaceChildren(
      ...spec.panels.map((panel) => {
        const box = document.createElement('div');
        renderDataTable(box, {
          caption: `${panel.title}. ${caption}`,
          corner: `${spec.rowAxis} \\ ${spec.colAxis}`,
          rowLabels: spec.rowLabels,
          colLabels: spec.colLabels,
          cells: panel.values.map((row, i) => row.map((v, j) => spec.cellText(v, i, j))),
        });
        return box;
      }),
    );
  }

  private languageLegend(input: ChartInput): LegendItem[] {
    return visibleLanguageIndices(input).map((l) => ({ label: input.view.summary.languages[l], color: languageColor(input.theme, l) }));
  }

  private histogramLegend(input: ChartInput): LegendItem[] {
    const { theme } = input;
    const t = input.view.summary.lapeHistogram.selectionThreshold;
    return [
      { label: 'selected (below threshold)', color: theme.accent },
      { label: 'kept by the filter, not selected', color: theme.subtle },
      { label: `selection threshold (${t.toFixed(3)})`, color: theme.foreground, kind: 'line' },
    ];
  }
}
