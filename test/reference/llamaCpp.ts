// llama.cpp through node-llama-cpp, set up for exact comparisons with the reference forward.
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';

let shared: Promise<Llama> | undefined;

/** One CPU llama.cpp instance per test process; prebuilt binaries only, never a build. */
export function testLlama(): Promise<Llama> {
  shared ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  return shared;
}

/**
 * Log-probabilities of the next token at every position, over the whole vocabulary.
 * node-llama-cpp gives no raw logits, but with no sampler options its probabilities are the
 * softmax of the raw logits, so these equal the log-softmax of llama.cpp's logits.
 * The KV cache is F32 and flash attention off: the default F16 cache and the CPU flash
 * attention path both round K and V (or Q) to F16, which moves log-probs by about 1e-3.
 * The context has room to spare: a sequence that fills it triggers a context shift, which
 * silently drops early tokens before the last evaluation.
 */
export async function llamaCppLogProbs(model: LlamaModel, tokens: readonly number[], options: { loraPath?: string } = {}): Promise<Float64Array[]> {
  const context = await model.createContext({
    ...(options.loraPath ? { lora: { adapters: [{ filePath: options.loraPath }] } } : {}),
    contextSize: tokens.length + 64,
    batchSize: tokens.length + 64,
    flashAttention: false,
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
    // node-llama-cpp defaults to more threads than this 2-core machine has cores; ggml's
    // threads then spin in barriers and a tiny model takes seconds per batch instead of ms.
    threads: 1,
  });
  try {
    const sequence = context.getSequence();
    const out = await sequence.controlledEvaluate(tokens.map((t) => [t as Token, { generateNext: { probabilities: true } }]));
    const nVocab = vocabSize(model);
    return tokens.map((_, i) => {
      const probs = out[i]?.next.probabilities;
      if (!probs) throw new Error(`no probabilities at position ${i}`);
      const lp = new Float64Array(nVocab).fill(-Infinity);
      for (const [tok, p] of probs) lp[tok] = Math.log(p);
      return lp;
    });
  } finally {
    await context.dispose();
  }
}

function vocabSize(model: LlamaModel): number {
  const tokens = (model.fileInfo.metadata as unknown as { tokenizer: { ggml: { tokens: string[] } } }).tokenizer.ggml.tokens;
  return tokens.length;
}

export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i] - lse);
}

/** Largest |a - b| over all positions and tokens. */
export function maxAbsDiff(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  if (a.length !== b.length) throw new Error(`position counts differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let t = 0; t < a.length; t++) {
    if (a[t].length !== b[t].length) throw new Error(`vocab sizes differ at ${t}`);
    for (let i = 0; i < a[t].length; i++) d = Math.max(d, Math.abs(a[t][i] - b[t][i]));
  }
  return d;
}
