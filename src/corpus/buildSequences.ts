import { createHash } from 'node:crypto';
import { CorpusError } from './errors.ts';

/** The share of documents held out for evaluation when evalFraction is left out. */
export const DEFAULT_EVAL_FRACTION = 0.1;

/** Names the split rule in corpus identities; change it whenever isEvalDocument changes. */
export const SPLIT_RULE = 'doc-index-round/1';

/** How one language's text becomes token sequences; part of a corpus's identity. */
export interface SplitOptions {
  /** Tokens per sequence, BOS included. */
  seqLen: number;
  /** Tokens (BOS included) to collect for detection. */
  detectBudget: number;
  /** Tokens (BOS included) to collect for held-out evaluation; 0 for none. */
  evalBudget: number;
  /** Share of documents held out for evaluation, in [0, 1). Default 0.1. */
  evalFraction?: number;
}

export interface BuildSequencesOptions extends SplitOptions {
  /** The model's tokenizer, without BOS: buildSequences adds bosToken itself. */
  tokenize: (text: string) => Int32Array | number[] | Promise<Int32Array | number[]>;
  /** When set, every sequence starts with it, so each one is a fresh context for the model. */
  bosToken?: number;
  /** Appended to each document that does not already end with it, so documents do not run together. Default '\n'. */
  docSeparator?: string;
  /** For error messages only. */
  language?: string;
  /**
   * When given, each finished sequence is handed here, in order, instead of being kept in
   * the result, so a paper-sized budget (100M tokens) need not sit in memory.
   */
  onSequence?: (side: 'detect' | 'evaluation', tokens: Int32Array) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface Sequences {
  /** Each seqLen long except perhaps the last; empty when onSequence was given. */
  detect: Int32Array[];
  evaluation: Int32Array[];
  detectTokens: number;
  evalTokens: number;
  documents: { read: number; detect: number; evaluation: number };
  /** The source ended before both budgets were met. */
  exhausted: boolean;
  /** sha256 of the documents used and their sides: the same hash means the same text. */
  textHash: string;
}

/**
 * The split rule. Document i (0-based, in source order, counting every document read) is
 * held out when round((i + 1) * f) > round(i * f), round(x) = floor(x + 0.5). That takes
 * exactly a share f of the documents, evenly spread (f = 0.1: documents 4, 14, 24, ...),
 * and depends on neither the tokenizer nor the budgets: the same corpus always puts the
 * same text on the same side, for every model, and a larger budget only adds text.
 */
export function isEvalDocument(index: number, fraction: number): boolean {
  if (fraction <= 0) return false;
  return Math.floor((index + 1) * fraction + 0.5) > Math.floor(index * fraction + 0.5);
}

/** Packs a token stream into sequences of seqLen until a budget of tokens is spent. */
class SequencePacker {
  readonly sequences: Int32Array[] = [];
  tokens = 0;
  documents = 0;
  private current: Int32Array | undefined;
  private fill = 0;
  private readonly minStart: number;

  constructor(private readonly seqLen: number, private readonly budget: number, private readonly bos: number | undefined) {
    // A sequence holding only BOS teaches nothing: never start one without room for a token.
    this.minStart = bos === undefined ? 1 : 2;
  }

  get full(): boolean {
    return this.current === undefined && this.budget - this.tokens < this.minStart;
  }

  add(tokens: Int32Array): void {
    this.documents++;
    let i = 0;
    while (i < tokens.length) {
      if (this.current === undefined) {
        if (this.full) return;
        this.current = new Int32Array(Math.min(this.seqLen, this.budget - this.tokens));
        this.fill = 0;
        if (this.bos !== undefined) {
          this.current[this.fill++] = this.bos;
          this.tokens++;
        }
      }
      const n = Math.min(this.current.length - this.fill, tokens.length - i);
      this.current.set(tokens.subarray(i, i + n), this.fill);
      this.fill += n;
      this.tokens += n;
      i += n;
      if (this.fill === this.current.length) {
        this.sequences.push(this.current);
        this.current = undefined;
      }
    }
  }

  finish(): void {
    if (this.current === undefined) return;
    if (this.fill >= this.minStart) this.sequences.push(this.current.slice(0, this.fill));
    else this.tokens -= this.fill;
    this.current = undefined;
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new CorpusError('bad-option', message);
}

/**
 * Tokenizes documents into fixed-length detection and held-out evaluation sequences (see
 * isEvalDocument for the split). Documents are concatenated per side and cut every seqLen
 * tokens. Reading stops as soon as both budgets are met, so a huge source costs only the
 * text needed; documents for a side that is already full are not tokenized.
 */
export async function buildSequences(source: AsyncIterable<string> | Iterable<string>, options: BuildSequencesOptions): Promise<Sequences> {
  const { seqLen, detectBudget, evalBudget, bosToken, signal } = options;
  const fraction = options.evalFraction ?? DEFAULT_EVAL_FRACTION;
  const separator = options.docSeparator ?? '\n';
  const name = options.language === undefined ? 'this language' : `'${options.language}'`;
  check(Number.isInteger(seqLen) && seqLen >= (bosToken === undefined ? 1 : 2), `seqLen must be a whole number of at least ${bosToken === undefined ? 1 : 2}, not ${seqLen}.`);
  check(Number.isInteger(detectBudget) && detectBudget > 0, `detectBudget must be a positive whole number of tokens, not ${detectBudget}.`);
  check(Number.isInteger(evalBudget) && evalBudget >= 0, `evalBudget must be a whole number of tokens (0 for none), not ${evalBudget}.`);
  check(fraction >= 0 && fraction < 1, `evalFraction must be at least 0 and below 1, not ${fraction}.`);

  const detect = new SequencePacker(seqLen, detectBudget, bosToken);
  // Held-out documents stay held out even when evaluation is off, so detection sees the
  // same text with and without it.
  const evaluation = new SequencePacker(seqLen, fraction > 0 ? evalBudget : 0, bosToken);
  const hash = createHash('sha256');
  let read = 0;
  let exhausted = true;
  const deliver = async (): Promise<void> => {
    if (!options.onSequence) return;
    for (const [which, packer] of [['detect', detect], ['evaluation', evaluation]] as const) {
      for (const tokens of packer.sequences.splice(0)) await options.onSequence(which, tokens);
    }
  };
  signal?.throwIfAborted();
  for await (const doc of source) {
    signal?.throwIfAborted();
    const side = isEvalDocument(read++, fraction) ? evaluation : detect;
    // An empty document (a chapter with nothing of its own) keeps its index but adds no tokens.
    if (!side.full && doc.length > 0) {
      const text = separator !== '' && !doc.endsWith(separator) ? doc + separator : doc;
      const raw = await options.tokenize(text);
      const tokens = raw instanceof Int32Array ? raw : Int32Array.from(raw);
      hash.update(`${side === detect ? 'd' : 'e'}${text.length}:`).update(text);
      side.add(tokens);
      await deliver();
    }
    if (detect.full && evaluation.full) {
      exhausted = false;
      break;
    }
  }
  detect.finish();
  evaluation.finish();
  await deliver();

  if (detect.tokens === 0) {
    const why = read === 0 ? 'has no text' : `gave no tokens for detection from ${read} document(s)`;
    throw new CorpusError('empty-corpus', `The corpus for ${name} ${why}. Give it some text.`, { language: options.language });
  }
  if (evaluation.tokens === 0 && evalBudget > 0 && fraction > 0) {
    throw new CorpusError(
      'no-eval-text',
      `The corpus for ${name} has only ${read} document(s), and none fell in the held-out share (${fraction} of documents). ` +
        'Add text (documents are paragraphs or jsonl lines), raise evalFraction, or set evalBudget to 0.',
      { language: options.language },
    );
  }
  return {
    detect: detect.sequences,
    evaluation: evaluation.sequences,
    detectTokens: detect.tokens,
    evalTokens: evaluation.tokens,
    documents: { read, detect: detect.documents, evaluation: evaluation.documents },
    exhausted,
    textHash: hash.digest('hex'),
  };
}
