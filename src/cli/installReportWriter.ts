import { setReportWriter } from '../pipeline/index.ts';
import { writeReport } from '../report/writeReport.ts';

/**
 * The HTML report inlines the built webview bundle (dist/webview). From a source checkout
 * without a build the report is skipped with a note instead of failing the run.
 */
export function installReportWriter(): void {
  setReportWriter(async (outDir, view) => {
    try {
      await writeReport(outDir, view);
    } catch (err) {
      process.stderr.write(`note: no report.html written (${(err as Error).message})\n`);
    }
  });
}
