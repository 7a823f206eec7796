import type { ResultsView } from '../protocol/results.ts';

/** Must not throw: a missing report never fails the run that made the results. */
type ReportWriter = (outDir: string, view: ResultsView) => Promise<void>;
let writer: ReportWriter | undefined;

/**
 * The HTML report needs the built webview bundle; the pipeline works without it (for
 * example from sources in tests), so the writer is plugged in by the CLI entry.
 */
export function setReportWriter(w: ReportWriter | undefined): void {
  writer = w;
}

export async function tryWriteReport(outDir: string, view: ResultsView): Promise<boolean> {
  if (!writer) return false;
  await writer(outDir, view);
  return true;
}
