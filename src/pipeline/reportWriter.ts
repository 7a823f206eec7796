import type { ResultsView } from '../protocol/results.ts';

type ReportWriter = (outDir: string, view: ResultsView) => void;
let writer: ReportWriter | undefined;

/**
 * The HTML report needs the built webview bundle; the pipeline works without it (for
 * example from sources in tests), so the writer is plugged in by the CLI entry.
 */
export function setReportWriter(w: ReportWriter | undefined): void {
  writer = w;
}

export function tryWriteReport(outDir: string, view: ResultsView): boolean {
  if (!writer) return false;
  writer(outDir, view);
  return true;
}
