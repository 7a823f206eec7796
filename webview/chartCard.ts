import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ChartId } from '../src/protocol/webviewMessages.ts';
import { h } from './dom.ts';

export interface ChartCardOptions {
  id: ChartId;
  title: string;
  note: string;
  /** 'chart' for Chart.js (fills a fixed-height box), 'matrix' for a canvas sized by its content. */
  kind: 'chart' | 'matrix';
  onExport(id: ChartId): void;
}

/** One chart's frame: heading, note, legend, canvas, export button and (for matrices) a data table. */
export class ChartCard {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly legend: HTMLUListElement;
  readonly table: HTMLElement;
  readonly body: HTMLElement;
  readonly aside: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly status: HTMLElement;
  private readonly exportButton: HTMLElement;

  constructor(readonly options: ChartCardOptions) {
    const titleId = `title-${options.id}`;
    this.canvas = h('canvas', { role: 'img', 'aria-label': options.title });
    this.legend = h('ul', { class: 'legend', 'aria-label': `${options.title}: legend` });
    this.table = h('div', { class: 'sr-only data-table' });
    this.empty = h('p', { class: 'empty', hidden: true });
    this.status = h('p', { class: 'card-status', role: 'status' });
    this.exportButton = h('vscode-button', { secondary: true, class: 'export', 'aria-label': `Export “${options.title}” as PNG`, 'data-chart': options.id }, 'Export PNG');
    this.exportButton.addEventListener('click', () => options.onExport(options.id));
    this.body = h('div', { class: options.kind === 'chart' ? 'chart-box' : 'matrix-box' }, this.canvas);
    this.aside = h('div', { class: 'card-aside' });
    this.root = h(
      'section',
      { class: `card card-${options.id}`, id: `card-${options.id}`, 'aria-labelledby': titleId },
      h('header', { class: 'card-header' }, h('h2', { id: titleId }, options.title), this.exportButton),
      h('p', { class: 'card-note' }, options.note),
      this.legend,
      h('div', { class: 'card-content' }, this.aside, h('div', { class: 'card-main' }, this.body, this.empty, this.status)),
      this.table,
    );
  }

  /** A short line under the chart, e.g. that only part of the selection is drawn. */
  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /** Shows a message instead of the canvas, e.g. when the results lack this evaluation. */
  setEmpty(message: string | undefined): void {
    this.empty.hidden = message === undefined;
    this.empty.textContent = message ?? '';
    this.body.hidden = message !== undefined;
    this.exportButton.toggleAttribute('disabled', message !== undefined);
  }
}
