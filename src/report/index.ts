export { writeReport, type WriteReportOptions } from './writeReport.ts';
export { panelHtml, type PanelHtmlOptions } from './panelHtml.ts';
export { findWebviewAssets, WebviewAssetsMissingError, WEBVIEW_ASSETS } from './webviewAssets.ts';
