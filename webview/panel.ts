/**
 * Entry of the LAPE panel inside VS Code. Hosted by the extension with panelHtml()
 * (src/report/panelHtml.ts); talks to it only through src/protocol/webviewMessages.ts.
 */
import type { FromWebview, ToWebview } from '../src/protocol/webviewMessages.ts';
import { LapeView } from './LapeView.ts';
import type { LapeHost } from './lapeHost.ts';
import { readPanelState, type PanelState } from './viewState.ts';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const TO_WEBVIEW: ReadonlySet<string> = new Set<ToWebview['type']>(['init', 'results', 'revealNeuron', 'busy', 'error']);

const vscode = acquireVsCodeApi();
const post = (message: FromWebview): void => vscode.postMessage(message);

const host: LapeHost = {
  interactive: true,
  identify: (params, requestId) => post({ type: 'identify', params, requestId }),
  filterLanguages: (languages) => post({ type: 'filterLanguages', languages }),
  revealInTree: ({ layer, index }) => post({ type: 'revealInTree', layer, index }),
  exportPng: (chart, dataUrl) => post({ type: 'exportPng', chart, dataUrl }),
  saveState: (state) => vscode.setState(state),
};

const view = new LapeView(document.getElementById('lape-root') ?? document.body, host, readPanelState(vscode.getState()));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (typeof message === 'object' && message !== null && TO_WEBVIEW.has((message as { type?: string }).type ?? '')) view.handle(message as ToWebview);
});

post({ type: 'ready' });
