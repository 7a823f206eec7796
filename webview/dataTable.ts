import { h } from './dom.ts';

export interface DataTable {
  caption: string;
  corner: string;
  colLabels: string[];
  rowLabels: string[];
  /** [row][column], already formatted. */
  cells: string[][];
}

/** The numbers behind a canvas-drawn matrix, for screen readers and for copying. */
export function renderDataTable(container: HTMLElement, table: DataTable): void {
  const head = h('tr', {}, h('th', { scope: 'col' }, table.corner), ...table.colLabels.map((c) => h('th', { scope: 'col' }, c)));
  const rows = table.rowLabels.map((r, i) => h('tr', {}, h('th', { scope: 'row' }, r), ...table.cells[i].map((c) => h('td', {}, c))));
  container.replaceChildren(h('table', {}, h('caption', {}, table.caption), h('thead', {}, head), h('tbody', {}, ...rows)));
}
