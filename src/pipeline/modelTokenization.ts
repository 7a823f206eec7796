import type { BuildSequencesOptions } from '../corpus/index.ts';
import type { EngineModel } from '../engine/index.ts';

/**
 * How the pipeline turns corpus text into a model's tokens for buildSequences: no special
 * tokens inside the text, and the model's BOS at the start of each sequence when it adds
 * one. Anything that scores "the pipeline's held-out text" (the demo recipe's held-out
 * loss) uses this too, so its tokens are exactly the pipeline's.
 */
export function modelTokenization(model: EngineModel): Pick<BuildSequencesOptions, 'tokenize' | 'bosToken'> {
  return {
    tokenize: (text) => model.tokenize(text, { addSpecial: false }),
    bosToken: model.addsBos ? model.bos : undefined,
  };
}
