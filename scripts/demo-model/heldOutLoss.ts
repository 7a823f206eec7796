// Held-out loss per language, measured the way the pipeline measures perplexity: the same
// buildSequences split and packing, every position scored by EngineContext.scoreTokens.
import { buildSequences, udhrDocuments } from '../../src/corpus/index.ts';
import type { EngineContext, EngineModel, Hooks } from '../../src/engine/index.ts';
import { modelTokenization } from '../../src/pipeline/modelTokenization.ts';

export interface HeldOutLoss {
  lang: string;
  /** Predicted tokens (every position after BOS) and the UTF-8 bytes they spell. */
  tokens: number;
  bytes: number;
  natsPerToken: number;
  natsPerByte: number;
  /** A uniform distribution over the vocabulary on the same tokens. */
  uniformNatsPerToken: number;
  uniformNatsPerByte: number;
}

export interface HeldOutOptions {
  /** The pipeline's sequence length (256 for the demo). */
  seqLen: number;
  /** Tokens of held-out text to use per language (the pipeline's --eval-budget). */
  evalBudget: number;
  /** Edits applied while scoring (layerAblation.ts zeroes whole FFN layers). */
  hooks?: Hooks;
  signal?: AbortSignal;
}

export async function heldOutLoss(model: EngineModel, ctx: EngineContext, languages: readonly string[], options: HeldOutOptions): Promise<HeldOutLoss[]> {
  const out: HeldOutLoss[] = [];
  const uniform = Math.log(model.nVocab);
  for (const lang of languages) {
    const seqs = await buildSequences(udhrDocuments(lang, { signal: options.signal }), {
      ...modelTokenization(model),
      seqLen: options.seqLen,
      // Only the held-out side is used; detection text is skipped once this small budget is met.
      detectBudget: options.seqLen,
      evalBudget: options.evalBudget,
      language: lang,
      signal: options.signal,
    });
    let nll = 0;
    let tokens = 0;
    let bytes = 0;
    for (const seq of seqs.evaluation) {
      const lp = ctx.scoreTokens(seq, { hooks: options.hooks, signal: options.signal });
      for (const v of lp) nll -= v;
      tokens += lp.length;
      for (let i = 1; i < seq.length; i++) bytes += model.tokenBytes(seq[i]).length;
    }
    out.push({
      lang,
      tokens,
      bytes,
      natsPerToken: nll / tokens,
      natsPerByte: nll / bytes,
      uniformNatsPerToken: uniform,
      uniformNatsPerByte: (uniform * tokens) / bytes,
    });
  }
  return out;
}
