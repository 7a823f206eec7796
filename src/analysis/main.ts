// Entry of dist/analysis.js, the process the extension forks. It holds the model, so the
// extension host never loads native code or blocks on a forward pass.
import { createAnalysisBackend } from './createAnalysisBackend.ts';
import { startAnalysisProcess } from './startAnalysisProcess.ts';

startAnalysisProcess(createAnalysisBackend(async () => {
  const { createPipeline } = await import('../pipeline/index.ts');
  // Results folders made from the editor carry report.html too, like the CLI's.
  return createPipeline({ writeReport: async (outDir, view) => (await import('../report/writeReport.ts')).writeReport(outDir, view) });
}));
