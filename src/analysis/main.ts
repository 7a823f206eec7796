// Entry of dist/analysis.js, the process the extension forks. It holds the model, so the
// extension host never loads native code or blocks on a forward pass.
import { createAnalysisBackend } from './createAnalysisBackend.ts';
import { startAnalysisProcess } from './startAnalysisProcess.ts';

const server = startAnalysisProcess(createAnalysisBackend(async () => {
  const { createPipeline } = await import('../pipeline/index.ts');
  return createPipeline({
    // Results folders made from the editor carry report.html too, like the CLI's.
    writeReport: async (outDir, view) => (await import('../report/writeReport.ts')).writeReport(outDir, view),
    // LAPE_GPU (the languageNeurons.gpu setting) chooses the build. A GPU build that failed its
    // self-test is logged to the extension's output channel; ModelInfo carries it too.
    onWarning: (message) => server.log('warn', message),
  });
}));
