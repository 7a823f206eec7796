/**
 * Entry of the standalone report (report.html, written by src/report/writeReport.ts). Same
 * view as the panel; the data is inlined, nothing can re-identify, and exports download.
 */
import type { ResultsView } from '../src/protocol/results.ts';
import { h } from './dom.ts';
import { LapeView } from './LapeView.ts';
import type { LapeHost } from './lapeHost.ts';
import { EMPTY_PANEL_STATE } from './viewState.ts';

function download(fileName: string, dataUrl: string): void {
  const link = h('a', { href: dataUrl, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

const host: LapeHost = {
  interactive: false,
  identify: () => undefined,
  filterLanguages: () => undefined,
  revealInTree: () => undefined,
  exportPng: (chart, dataUrl) => download(`lape-${chart}.png`, dataUrl),
  saveState: () => undefined,
};

const root = document.getElementById('lape-root') ?? document.body;
const data = document.getElementById('lape-data')?.textContent;
if (!data) {
  root.textContent = 'This report has no data: the lape-data element is missing or empty.';
} else {
  const view = JSON.parse(data) as ResultsView;
  new LapeView(root, host, EMPTY_PANEL_STATE).init(view, { canIdentify: false, busy: false });
}
