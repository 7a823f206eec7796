// A byte-level SPM vocabulary: every UTF-8 byte has its own `<0xNN>` token, so any text
// tokenizes and detokenizes exactly with llama.cpp.
//
// Why SPM ("llama") and not GPT-2 BPE: llama.cpp's BPE vocabularies default to clean_spaces,
// which rewrites " ." to "." and " ' " to "'" on detokenize, and every BPE pre-tokenizer that
// turns it off also brings its own regex; SPM with add_space_prefix = false has no such
// rewriting. SPM falls back to byte tokens for any character that is not a piece
// (llm_tokenizer_spm_session::resegment), so 256 byte tokens cover all input.
//
// The one extra piece is "▁" (U+2581): SPM replaces every space with "▁" before tokenizing
// (llama_escape_whitespace) and turns "▁" back into a space only in NORMAL pieces. Without
// that piece a space would come back as the three bytes of "▁". The price: a literal U+2581
// in the input also becomes this token and comes back as a space. No natural corpus uses it.
import { TokenType, type SpmVocab } from './spmVocab.ts';

export interface ByteVocab extends SpmVocab {
  /** Token id of byte 0x00; byte b is token byteOffset + b. */
  byteOffset: number;
  /** Token id of "▁", which stands for a space. */
  spaceId: number;
}

export interface ByteVocabOptions {
  /** Defaults to true, as for LLaMA-family SPM models. */
  addBos?: boolean;
}

const SPACE_PIECE = '\u2581';

export function byteVocab(options: ByteVocabOptions = {}): ByteVocab {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  const byteOffset = tokens.length;
  for (let b = 0; b < 256; b++) {
    // llama.cpp looks byte tokens up by this exact spelling (uppercase hex) in byte_to_token.
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.byte);
  }
  const spaceId = tokens.length;
  tokens.push(SPACE_PIECE);
  types.push(TokenType.normal);
  return {
    tokens,
    scores: new Float32Array(tokens.length),
    tokenTypes: Int32Array.from(types),
    unkId: 0,
    bosId: 1,
    eosId: 2,
    addBos: options.addBos ?? true,
    byteOffset,
    spaceId,
  };
}

/**
 * Tokenizes as llama.cpp does with this vocabulary and add_special = false: spaces (and U+2581)
 * become the "▁" piece, every other UTF-8 byte its byte token.
 */
export function byteTokenize(vocab: ByteVocab, text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    if (ch === ' ' || ch === SPACE_PIECE) {
      out.push(vocab.spaceId);
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out.push(vocab.byteOffset + b);
  }
  return out;
}

/** The inverse of byteTokenize; special tokens produce no text, as in llama_detokenize. */
export function byteDetokenize(vocab: ByteVocab, tokens: readonly number[]): string {
  const bytes: number[] = [];
  for (const t of tokens) {
    if (t === vocab.spaceId) bytes.push(0x20);
    else if (t >= vocab.byteOffset && t < vocab.byteOffset + 256) bytes.push(t - vocab.byteOffset);
  }
  return Buffer.from(bytes).toString('utf8');
}
