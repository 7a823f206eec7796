/** Errors of the pipeline itself (the engine, corpus and LAPE modules have their own). */
export type PipelineErrorCode = 'no-results' | 'bad-results' | 'bad-argument' | 'empty-language' | 'model-mismatch' | 'missing-assets' | 'non-finite' | 'fetch-failed' | 'aborted' | 'busy';

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}
