// The metadata for a llama.cpp SPM ("llama") tokenizer. Any SPM vocabulary, the byte one here
// or a learned subword one later, goes into a GGUF through this one function, so the flags that
// make round trips exact are set in one place.
import type { GgufWriter } from './ggufWriter.ts';

/** llama_token_type values stored in tokenizer.ggml.token_type. */
export const TokenType = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

export interface SpmVocab {
  tokens: readonly string[];
  /** SPM merges adjacent pieces by descending score. */
  scores: Float32Array;
  tokenTypes: Int32Array;
  unkId: number;
  bosId: number;
  eosId: number;
  /** Whether llama.cpp prepends BOS when a caller tokenizes with add_special. */
  addBos: boolean;
}

export function setSpmVocab(writer: GgufWriter, vocab: SpmVocab): void {
  const n = vocab.tokens.length;
  if (vocab.scores.length !== n || vocab.tokenTypes.length !== n) {
    throw new Error(`vocab arrays disagree: ${n} tokens, ${vocab.scores.length} scores, ${vocab.tokenTypes.length} types`);
  }
  writer.setString('tokenizer.ggml.model', 'llama');
  writer.set('tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocab.tokens });
  writer.set('tokenizer.ggml.scores', { type: 'array', itemType: 'float32', value: vocab.scores });
  writer.set('tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', value: vocab.tokenTypes });
  writer.setUint32('tokenizer.ggml.unknown_token_id', vocab.unkId);
  writer.setUint32('tokenizer.ggml.bos_token_id', vocab.bosId);
  writer.setUint32('tokenizer.ggml.eos_token_id', vocab.eosId);
  writer.setBool('tokenizer.ggml.add_bos_token', vocab.addBos);
  writer.setBool('tokenizer.ggml.add_eos_token', false);
  // SPM defaults to add_space_prefix = true, which prepends a space when tokenizing and strips
  // it when detokenizing; the text would then not survive a round trip unchanged.
  writer.setBool('tokenizer.ggml.add_space_prefix', false);
  writer.setBool('tokenizer.ggml.remove_extra_whitespaces', false);
}
