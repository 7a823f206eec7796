import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultsView } from '../protocol/results.ts';
import { reportHtml } from './reportHtml.ts';
import { findWebviewAssets, WEBVIEW_ASSETS } from './webviewAssets.ts';

export { panelHtml, type PanelHtmlOptions } from './panelHtml.ts';

export interface WriteReportOptions {
  /** Folder with the built report.js and report.css; found next to the bundle or in dist/webview by default. */
  assetsDir?: string;
}

/**
 * Writes `<outDir>/report.html`: the panel's charts for one result, self-contained (scripts,
 * styles and data inline), so it opens offline in any browser. Returns the file's path.
 */
export async function writeReport(outDir: string, view: ResultsView, options: WriteReportOptions = {}): Promise<string> {
  const assets = findWebviewAssets(options.assetsDir);
  const [script, style] = await Promise.all([
    readFile(join(assets, WEBVIEW_ASSETS.reportScript), 'utf8'),
    readFile(join(assets, WEBVIEW_ASSETS.reportStyle), 'utf8'),
  ]);
  const html = reportHtml({ view, script, style, nonce: randomBytes(16).toString('base64') });
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, 'report.html');
  await writeFile(file, html, 'utf8');
  return file;
}
