import type { ModelFacts } from '../engine/index.ts';
import { modelDifference, type ModelIdentity } from '../lape/formats/statsFile.ts';
import { PipelineError } from './PipelineError.ts';

/** The identity a results folder, or one of its files, recorded for the model it was made with. */
export interface RecordedModel extends Pick<ModelIdentity, 'headerSha256' | 'contentSha256'> {
  /** Absent where the file records no name (residual-means.json). */
  fileName?: string;
  /** Absent where the file records no size (residual-means.json): then the hashes decide. */
  sizeBytes?: number;
}

/**
 * Refuses `facts` unless it is the model `recorded` was made with, before any work: neurons,
 * statistics and residual means of one model mean nothing for another. `what` names the
 * folder or file in the error, `fix` what to do instead. A recorded identity without
 * contentSha256 (written before it existed) is compared on size and header hash alone, as
 * it was then.
 */
export function checkSameModel(what: string, recorded: RecordedModel, facts: ModelFacts, fix?: string): void {
  const difference = modelDifference({ ...recorded, sizeBytes: recorded.sizeBytes ?? facts.sizeBytes }, facts);
  if (difference === undefined) return;
  const madeWith = recorded.fileName === undefined ? `another model than ${facts.fileName}` : `${recorded.fileName}, not ${facts.fileName}`;
  const why =
    difference === 'content'
      ? `: the GGUF headers are the same but the tensor data differs (content sha256 ${recorded.contentSha256?.slice(0, 12)}… vs ${facts.contentSha256.slice(0, 12)}…), ` +
        'so the two files hold different weights under the same metadata (another training run, or a damaged copy).'
      : difference === 'size'
        ? ` (${recorded.sizeBytes} bytes vs ${facts.sizeBytes}).`
        : ` (header sha256 ${recorded.headerSha256.slice(0, 12)}… vs ${facts.headerSha256.slice(0, 12)}…).`;
  const todo = fix ?? `Choose the model it was made with, or detect again with this one (lape detect --model ${facts.path} --out DIR).`;
  throw new PipelineError('model-mismatch', `${what} was made with ${madeWith}${why} ${todo}`);
}
