// A small BPE vocabulary that llama.cpp's SPM ("llama") tokenizer applies as trained.
//
// llama.cpp's SPM session (src/llama-vocab.cpp, llm_tokenizer_spm_session) starts from UTF-8
// characters and keeps merging the adjacent pair whose concatenation is a vocabulary piece
// with the highest score; whatever is left that is not a piece falls back to byte tokens.
// So BPE merges stored with score -(rank + 1) replay in rank order, and the 256 byte tokens
// plus "▁" of byteVocab keep every text round-tripping, whatever characters it holds.
//
// Pieces never span a word boundary: like SentencePiece, a word is "▁" (a space) followed by
// its characters, and a newline stands alone. Learned pieces are thus whole or partial words
// of one language ("▁droits", "▁derechos", "人人"), which is what lets FFN neurons specialise.
import { byteVocab } from '../../src/gguf/byteVocab.ts';
import { TokenType, type SpmVocab } from '../../src/gguf/spmVocab.ts';

export interface BpeOptions {
  /** Total vocabulary size, special and byte tokens included. */
  vocabSize: number;
  /** A character becomes a piece only if it occurs this often; rarer ones stay bytes. Default 2. */
  minCharCount?: number;
  /** Stop merging when the best pair occurs fewer times than this. Default 2. */
  minPairCount?: number;
}

export interface BpeVocab extends SpmVocab {
  /** Pieces learned from the text (characters, then merges in rank order). */
  learned: number;
  merges: number;
}

const SPACE = '\u2581';

/** Splits text as the tokenizer sees it (spaces as "▁") into words no piece crosses. */
export function splitWords(text: string): string[] {
  return text.replace(/ /g, SPACE).match(/\n|▁*[^▁\n]*/gu)?.filter((w) => w.length > 0) ?? [];
}

interface Word {
  symbols: number[];
  count: number;
}

const pairKey = (a: number, b: number) => a * 0x100000 + b;

/** Trains the vocabulary on `texts`; deterministic for the same texts and options. */
export function trainBpe(texts: readonly string[], options: BpeOptions): BpeVocab {
  const minChar = options.minCharCount ?? 2;
  const minPair = options.minPairCount ?? 2;
  const base = byteVocab({ addBos: true });
  const tokens = [...base.tokens];
  const scores = [...base.scores];
  const types = [...base.tokenTypes];
  const pieceId = new Map<string, number>(tokens.map((t, i) => [t, i]));

  const wordCounts = new Map<string, number>();
  for (const text of texts) for (const w of splitWords(text)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);

  // Characters first, most frequent first (ties by code point), so the order never depends
  // on Map iteration order of the input.
  const chars = [...charCounts].filter(([, c]) => c >= minChar).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [ch] of chars) {
    if (tokens.length >= options.vocabSize) break;
    if (pieceId.has(ch)) continue;
    pieceId.set(ch, tokens.length);
    tokens.push(ch);
    scores.push(0);
    types.push(TokenType.normal);
  }
  const learnedChars = tokens.length - base.tokens.length;

  // Symbols are indices into `symText`; a character that is not a piece is a barrier (-1)
  // that never merges, as it becomes byte tokens in llama.cpp.
  const symText: string[] = [];
  const symId = new Map<string, number>();
  const intern = (s: string) => {
    let id = symId.get(s);
    if (id === undefined) {
      id = symText.length;
      symText.push(s);
      symId.set(s, id);
    }
    return id;
  };
  const words: Word[] = [...wordCounts]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w, count]) => ({ symbols: [...w].map((ch) => (pieceId.has(ch) ? intern(ch) : -1)), count }));

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: 1 | -1) => {
    const { symbols, count } = words[wi];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const a = symbols[i];
      const b = symbols[i + 1];
      if (a < 0 || b < 0) continue;
      const k = pairKey(a, b);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * count);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(wi);
      }
    }
  };
  words.forEach((_, wi) => addPairs(wi, 1));

  let merges = 0;
  while (tokens.length < options.vocabSize) {
    let best = -1;
    let bestCount = minPair - 1;
    let bestText = '';
    for (const [k, c] of pairCount) {
      if (c < bestCount || c <= 0) continue;
      const text = symText[Math.floor(k / 0x100000)] + symText[k % 0x100000];
      // Ties go to the lexicographically smaller piece, for determinism.
      if (c > bestCount || text < bestText) {
        best = k;
        bestCount = c;
        bestText = text;
      }
    }
    if (best < 0) break;
    const a = Math.floor(best / 0x100000);
    const b = best % 0x100000;
    const merged = intern(bestText);
    if (!pieceId.has(bestText)) {
      pieceId.set(bestText, tokens.length);
      tokens.push(bestText);
      scores.push(-(merges + 1));
      types.push(TokenType.normal);
    }
    merges++;
    for (const wi of [...(pairWords.get(best) ?? [])].sort((x, y) => x - y)) {
      addPairs(wi, -1);
      const s = words[wi].symbols;
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(s[i]);
      }
      words[wi].symbols = out;
      addPairs(wi, 1);
    }
    pairCount.delete(best);
    pairWords.delete(best);
    for (const [k, c] of pairCount) if (c <= 0) pairCount.delete(k);
  }

  return {
    tokens,
    scores: Float32Array.from(scores),
    tokenTypes: Int32Array.from(types),
    unkId: base.unkId,
    bosId: base.bosId,
    eosId: base.eosId,
    addBos: true,
    learned: learnedChars + merges,
    merges,
  };
}
