import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ChartId } from '../src/protocol/webviewMessages.ts';
import { h } from './dom.ts';

export interface ChartCardOptions {
  id: ChartId;
  title: string;
  note: string;
  /** 'chart' for Chart.js (fills a fixed-height box), 'matrix' for a canvas sized by its content. */
  kind: 'chart' | 'matrix';
  /** The title's heading level: 3 for cards inside a section that has its own heading. */
  level?: 2 | 3;
  /**
   * Where the data table goes: for screen readers only (the default, for charts that show their
   * numbers), or also on screen behind a disclosure with this label (for charts that show them
   * only in tooltips).
   */
  tableDisclosure?: string;
  onExport(id: ChartId): void;
}

/** One chart's frame: heading, note, legend, canvas, export button and a data table. */
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
    // A table on screen may be wider than the card: it scrolls, and takes focus so that the keyboard can scroll it.
    this.table = options.tableDisclosure === undefined
      ? h('div', { class: 'sr-only data-table' })
      : h('div', { class: 'data-table', tabindex: '0', role: 'region', 'aria-label': `${options.title}: figures` });
    this.empty = h('p', { class: 'empty', hidden: true });
    this.status = h('p', { class: 'card-status', role: 'status' });
    this.exportButton = h('vscode-button', { secondary: true, class: 'export', 'aria-label': `Export “${options.title}” as PNG`, 'data-chart': options.id }, 'Export PNG');
    this.exportButton.addEventListener('click', () => options.onExport(options.id));
    this.body = h('div', { class: options.kind === 'chart' ? 'chart-box' : 'matrix-box' }, this.canvas);
    this.aside = h('div', { class: 'card-aside' });
    this.root = h(
      'section',
      { class: `card card-${options.id}`, id: `card-${options.id}`, 'aria-labelledby': titleId },
      h('header', { class: 'card-header' }, h(options.level === 3 ? 'h3' : 'h2', { id: titleId }, options.title), this.exportButton),
      h('p', { class: 'card-note' }, options.note),
      this.legend,
      h('div', { class: 'card-content' }, this.aside, h('div', { class: 'card-main' }, this.body, this.empty, this.status)),
      options.tableDisclosure === undefined ? this.table : h('details', { class: 'table-disclosure' }, h('summary', {}, options.tableDisclosure), this.table),
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
