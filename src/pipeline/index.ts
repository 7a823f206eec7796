import { gpuFallbackMessage, readModelFacts } from '../engine/index.ts';
import { readStatsFile } from '../lape/formats/statsFile.ts';
import { EngineSession } from './EngineSession.ts';
import { resolveModel } from './demoModel.ts';
import { fetchModel } from './models/fetchModel.ts';
import { MODEL_CATALOGUE } from '../protocol/modelCatalogue.ts';
import { exportResults } from './exportResults.ts';
import { exportLora } from './exportLora.ts';
import { exportControlVector } from './exportControlVector.ts';
import { identifyAndWrite } from './identifyAndWrite.ts';
import { PipelineError } from './PipelineError.ts';
import { checkExportTarget, readResults, readSummary, RESULT_FILES } from './resultsFolder.ts';
import { runDetection } from './runDetection.ts';
import { runGenerate } from './runGenerate.ts';
import { runPerplexity } from './runPerplexity.ts';
import { withSteeringStudy } from './steeringStudyFile.ts';
import type { Pipeline, PipelineOptions } from './types.ts';
import type { ResultsView } from '../protocol/results.ts';
import { lockResultsFolder } from './resultsLock.ts';
import { join } from 'node:path';

export type * from './types.ts';
export { PipelineError } from './PipelineError.ts';
export { resolveModel, resolveModelPath, demoModelPath } from './demoModel.ts';
export { fetchModel, type FetchModelOptions } from './models/fetchModel.ts';
export { steeringEdits } from './steeringEdits.ts';

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
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const session = new EngineSession({ gpu: options.gpu, onWarning: options.onWarning });
  // Every operation that writes a results folder ends here, so the report follows the folder
  // (and draws the steering study recorded in it, when there is one).
  const withReport = async (dir: string, written: ResultsView): Promise<ResultsView> => {
    const view = withSteeringStudy(dir, written);
    if (options.writeReport) {
      try {
        await options.writeReport(dir, view);
      } catch (error) {
        process.stderr.write(`note: no report.html written in ${dir} (${(error as Error).message})\n`);
      }
    }
    return view;
  };
  return {
    async modelInfo(o) {
      const facts = await readModelFacts(await resolveModel(o.model, { signal: o.signal, onProgress: o.onProgress }), o.signal);
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
        ...(engine.gpuFallback ? { gpuFallback: { ...engine.gpuFallback, message: gpuFallbackMessage(engine.gpuFallback, engine.gpu) } } : {}),
      };
    },
    detect: (o) => {
      if (o.perplexity && o.evalBudget === 0) {
        throw new PipelineError('bad-argument', 'Perplexity is measured on held-out text, and an evaluation budget of 0 (--eval-budget 0) holds none out. Give it a number of tokens above 0, or leave out perplexity (--ppl).');
      }
      return withResultsLock(o.outDir, 'detect', async () => {
        const view = await withReport(o.outDir, await runDetection(session, o));
        if (!o.perplexity) return view;
        return withReport(o.outDir, await runPerplexity(session, o.outDir, o));
      });
    },
    reidentify: (dir, params) => withResultsLock(dir, 'identify', async () => {
      const summary = readSummary(dir);
      const { stats } = readStatsFile(join(dir, RESULT_FILES.stats));
      const { model, corpus, tokens, sequenceLength, tokenBudget } = summary;
      // The perplexity matrix belongs to the old neuron sets, so it is dropped.
      return withReport(dir, await identifyAndWrite(dir, stats, { model, corpus, tokens, sequenceLength, tokenBudget }, params, null));
    }),
    fetchModel: (name, o) => fetchModel(name, o),
    perplexity: (dir, o) => withResultsLock(dir, 'ppl', async () => withReport(dir, await runPerplexity(session, dir, o))),
    openResults: async (dir) => withSteeringStudy(dir, readResults(dir)),
    generate: (req) => runGenerate(session, req),
    async exportResults(dir, format, options = {}) {
      checkExportTarget(dir, options.out);
      if (format === 'lora') {
        const model = options.model ?? knownModelOf(readSummary(dir).model.fileName);
        if (!model) throw new PipelineError('bad-argument', 'A LoRA export reads ffn_down from the model: give the model (--model M).');
        return exportLora(dir, options.language, await resolveModel(model), options.out);
      }
      if (format === 'control-vector') return exportControlVector(dir, options.language, { strength: options.strength, out: options.out });
      return exportResults(dir, format, options.out);
    },
    dispose: () => session.dispose(),
  };
}

/** The name of a built-in or catalogued model whose file this is, so exports need no --model. */
function knownModelOf(fileName: string): string | undefined {
  if (fileName === 'lape-demo.gguf') return 'builtin';
  return MODEL_CATALOGUE.find((m) => m.fileName === fileName)?.name;
}
