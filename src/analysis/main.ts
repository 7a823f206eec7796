// Entry of dist/analysis.js, the process the extension forks. It holds the model, so the
// extension host never loads native code or blocks on a forward pass.
import { createAnalysisBackend } from './createAnalysisBackend.ts';
import { startAnalysisProcess } from './startAnalysisProcess.ts';

startAnalysisProcess(createAnalysisBackend(async () => {
  const { createPipeline, setReportWriter } = await import('../pipeline/index.ts');
  // Results folders made from the editor carry report.html too, like the CLI's.
  setReportWriter(async (outDir, view) => {
    try {
      const { writeReport } = await import('../report/writeReport.ts');
      await writeReport(outDir, view);
    } catch (error) {
      console.error(`note: no report.html written (${(error as Error).message})`);
    }
  });
  return createPipeline();
}));
