import { existsSync } from 'node:fs';
import { setReportWriter } from '../pipeline/index.ts';

/**
 * The HTML report inlines the built webview bundle (dist/webview). From a source
 * checkout without a build the report is skipped with a note instead of failing the run.
 */
export function installReportWriter(): void {
  setReportWriter((outDir, view) => {
    void import('../report/writeReport.ts')
      .then((m) => m.writeReport(outDir, view))
      .catch((err: Error) => {
        if (!existsSync(outDir)) return;
        process.stderr.write(`note: no report.html written (${err.message})\n`);
      });
  });
}
