import type { ResultsView } from '../protocol/results.ts';
import { escapeHtml, escapeInlineCode, inlineJson } from './htmlEscape.ts';
import { htmlPage } from './htmlPage.ts';

export interface ReportHtmlOptions {
  view: ResultsView;
  /** dist/webview/report.js */
  script: string;
  /** dist/webview/report.css */
  style: string;
  nonce: string;
}

/** Source map comments point at files that do not travel with the report. */
const stripSourceMaps = (code: string): string => code.replace(/^\s*\/\/# sourceMappingURL=.*$/gm, '').replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');

/**
 * report.html: one self-contained file. The CSP lets only the nonce-tagged script and
 * stylesheet run and images come only from data: URLs, so the page can load nothing.
 */
export function reportHtml(options: ReportHtmlOptions): string {
  const { view, nonce } = options;
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, 'img-src data:', "base-uri 'none'", "form-action 'none'"];
  const title = `Language-specific neurons: ${view.summary.model.fileName}`;
  return htmlPage({
    csp,
    head: `    <meta name="generator" content="${escapeHtml(view.summary.tool)}">
    <title>${escapeHtml(title)}</title>
    <style nonce="${nonce}">
${escapeInlineCode(stripSourceMaps(options.style), 'style')}
    </style>`,
    bodyAttributes: ' class="vscode-light lape-report"',
    body: `    <div id="lape-root"><p>Rendering the charts needs JavaScript.</p></div>
    <script type="application/json" id="lape-data">${inlineJson(view)}</script>
    <script nonce="${nonce}">
${escapeInlineCode(stripSourceMaps(options.script), 'script')}
    </script>`,
  });
}
