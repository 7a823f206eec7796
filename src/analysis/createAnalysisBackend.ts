import type { Pipeline } from '../pipeline/types.ts';
import type { AnalysisBackend } from './AnalysisBackend.ts';
import { downloadModel } from './downloadModel.ts';

/**
 * The real backend: the pipeline, the corpus language table and the downloader, each
 * imported on first use so that the process is ready in milliseconds and a request that
 * needs no model (openResults, reidentify) never loads llama.cpp.
 */
export function createAnalysisBackend(loadPipeline: () => Promise<Pipeline>): AnalysisBackend {
  let pipeline: Promise<Pipeline> | undefined;
  let disposed = false;
  return {
    pipeline() {
      if (disposed) return Promise.reject(new Error('The analysis backend was disposed.'));
      pipeline ??= loadPipeline();
      return pipeline;
    },
    async languages() {
      const { listLanguages } = await import('../corpus/index.ts');
      return listLanguages().map((l) => ({ code: l.code, name: l.name }));
    },
    downloadModel,
    dispose() {
      disposed = true;
      void pipeline?.then((p) => p.dispose(), () => undefined);
    },
  };
}
