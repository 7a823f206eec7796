import { readModelFacts } from '../engine/index.ts';
import { readStatsFile } from '../lape/formats/statsFile.ts';
import { EngineSession } from './EngineSession.ts';
import { resolveModelPath } from './demoModel.ts';
import { exportResults } from './exportResults.ts';
import { exportLora } from './exportLora.ts';
import { identifyAndWrite } from './identifyAndWrite.ts';
import { PipelineError } from './PipelineError.ts';
import { checkExportTarget, readResults, readSummary, RESULT_FILES } from './resultsFolder.ts';
import { runDetection } from './runDetection.ts';
import { runGenerate } from './runGenerate.ts';
import { runPerplexity } from './runPerplexity.ts';
import { lockResultsFolder } from './resultsLock.ts';
import type { Pipeline } from './types.ts';
import { join } from 'node:path';

export type * from './types.ts';
export { PipelineError } from './PipelineError.ts';
export { resolveModelPath, demoModelPath } from './demoModel.ts';
export { setReportWriter } from './reportWriter.ts';
export { steeringEdits, forceLanguageSpec } from './steeringEdits.ts';

/** Runs a command that writes into a results folder while holding that folder's lock. */
async function withResultsLock<T>(dir: string, command: string, work: () => Promise<T>): Promise<T> {
  const release = lockResultsFolder(dir, command, { create: command === 'detect' });
  try {
    return await work();
  } finally {
    release();
  }
}

/** The pipeline over one engine session; the CLI and the analysis process each make one. */
export function createPipeline(): Pipeline {
  const session = new EngineSession();
  return {
    async modelInfo(o) {
      const facts = await readModelFacts(resolveModelPath(o.model), o.signal);
      const engine = await session.getEngine();
      return {
        path: facts.path,
        fileName: facts.fileName,
        sizeBytes: facts.sizeBytes,
        architecture: facts.architecture,
        nLayer: facts.nLayer,
        nEmbd: facts.nEmbd,
        nFf: facts.nFf[0],
        nVocab: facts.nVocab,
        contextLength: facts.contextLength,
        backend: engine.gpu || 'cpu',
      };
    },
    detect: (o) => {
      if (o.perplexity && o.evalBudget === 0) {
        throw new PipelineError('bad-argument', 'Perplexity is measured on held-out text, and an evaluation budget of 0 (--eval-budget 0) holds none out. Give it a number of tokens above 0, or leave out perplexity (--ppl).');
      }
      return withResultsLock(o.outDir, 'detect', async () => {
        const view = await runDetection(session, o);
        if (!o.perplexity) return view;
        return runPerplexity(session, o.outDir, o);
      });
    },
    reidentify: (dir, params) => withResultsLock(dir, 'identify', async () => {
      const summary = readSummary(dir);
      const { stats } = readStatsFile(join(dir, RESULT_FILES.stats));
      const { model, corpus, tokens, sequenceLength } = summary;
      // The perplexity matrix belongs to the old neuron sets, so it is dropped.
      return identifyAndWrite(dir, stats, { model, corpus, tokens, sequenceLength }, params, null);
    }),
    perplexity: (dir, o) => withResultsLock(dir, 'ppl', () => runPerplexity(session, dir, o)),
    openResults: async (dir) => readResults(dir),
    generate: (req) => runGenerate(session, req),
    async exportResults(dir, format, options = {}) {
      checkExportTarget(dir, options.out);
      if (format === 'lora') {
        const model = options.model ?? (readSummary(dir).model.fileName === 'lape-demo.gguf' ? 'demo' : undefined);
        if (!model) throw new PipelineError('bad-argument', 'A LoRA export reads ffn_down from the model: give the model (--model M).');
        return exportLora(dir, options.language, resolveModelPath(model), options.out);
      }
      return exportResults(dir, format, options.out);
    },
    dispose: () => session.dispose(),
  };
}
