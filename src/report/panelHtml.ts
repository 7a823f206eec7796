import { escapeHtml } from './htmlEscape.ts';
import { htmlPage } from './htmlPage.ts';

export interface PanelHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** From crypto.randomBytes, base64 or hex; new for every html it goes into. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/panel.js)` */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview/lape.css)` */
  styleUri: string;
  /** `@vscode/codicons/dist/codicon.css`, if the extension ships it (VS Code Elements' icons need it). */
  codiconsUri?: string;
  title?: string;
}

/**
 * The LAPE panel's html. A pure string function so the extension host can use it without
 * this module importing vscode. Set it once per panel: state lives in the webview
 * (getState/setState), so the html never needs reloading.
 */
export function panelHtml(options: PanelHtmlOptions): string {
  const { cspSource, nonce } = options;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ];
  const codicons = options.codiconsUri
    ? `\n    <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeHtml(options.codiconsUri)}">`
    : '';
  return htmlPage({
    csp,
    head: `    <link rel="stylesheet" href="${escapeHtml(options.styleUri)}">${codicons}
    <title>${escapeHtml(options.title ?? 'Language neurons')}</title>`,
    body: `    <div id="lape-root"></div>
    <script nonce="${escapeHtml(nonce)}" src="${escapeHtml(options.scriptUri)}"></script>`,
  });
}
