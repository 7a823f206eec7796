// Training rows in the shape the pipeline evaluates: BOS, then a window of one language's
// document stream (documents joined by their separator), contextSize tokens in all.
import { SeededRandom } from '../../src/gguf/seededRandom.ts';
import type { TrainingRow } from '../../src/engine/training/OptTrainer.ts';

export interface LanguageStream {
  lang: string;
  /** The language's training documents, tokenized one by one and concatenated, without BOS. */
  tokens: Int32Array;
}

/**
 * One epoch's rows: every language gets the same number of rows, so the small-text languages
 * (zh and ja have fewer tokens) are not drowned out, and each row starts at a random offset,
 * so later epochs see the text cut differently. The rows of all languages are shuffled
 * together. `rowsPerLanguage` is usually the mean stream length over (contextSize - 1).
 */
export function epochRows(streams: readonly LanguageStream[], contextSize: number, rowsPerLanguage: number, bos: number, rng: SeededRandom): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (const s of streams) {
    const span = contextSize; // labels run one token past the last input token
    if (s.tokens.length < span) throw new Error(`${s.lang} has only ${s.tokens.length} training tokens; a row needs ${span}.`);
    for (let r = 0; r < rowsPerLanguage; r++) {
      const start = Math.floor(rng.next() * (s.tokens.length - span + 1));
      const tokens = new Int32Array(contextSize);
      tokens[0] = bos;
      tokens.set(s.tokens.subarray(start, start + contextSize - 1), 1);
      rows.push({ tokens, labels: s.tokens.slice(start, start + contextSize) });
    }
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return rows;
}

/** Linear warm-up, then cosine decay to `min`. */
export function learningRate(step: number, total: number, peak: number, min: number, warmup: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * t));
}
