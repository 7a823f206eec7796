import { EngineError } from './errors.ts';
import type { LlamaApi } from './native/llamaApi.ts';
import type { ModelFacts } from './modelFacts.ts';
import { EngineContext, type ContextOptions } from './EngineContext.ts';

export interface TokenizeOptions {
  /** Add BOS (and EOS) where the model's vocabulary asks for them. Default true. */
  addSpecial?: boolean;
  /** Parse special-token text such as "<s>" into special tokens. Default false. */
  parseSpecial?: boolean;
}

/** A loaded model: its facts, its tokenizer, and the contexts made from it. */
export class EngineModel {
  private readonly contexts = new Set<EngineContext>();
  private disposed = false;
  readonly vocab: unknown;
  readonly nVocab: number;
  readonly bos: number;
  readonly eos: number;
  readonly addsBos: boolean;

  constructor(
    private readonly api: LlamaApi,
    readonly handle: unknown,
    readonly facts: ModelFacts,
    private readonly onDispose: () => void,
  ) {
    this.vocab = api.llama_model_get_vocab(handle);
    this.nVocab = api.llama_vocab_n_tokens(this.vocab) as number;
    this.bos = api.llama_vocab_bos(this.vocab) as number;
    this.eos = api.llama_vocab_eos(this.vocab) as number;
    this.addsBos = api.llama_vocab_get_add_bos(this.vocab) as boolean;
  }

  get nLayer(): number {
    return this.facts.nLayer;
  }

  /** n_ff, which all supported dense architectures share across layers. */
  get nFf(): number {
    return this.facts.nFf[0];
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  assertAlive(): void {
    if (this.disposed) throw new EngineError('disposed', `The model ${this.facts.fileName} has been disposed.`);
  }

  tokenize(text: string, options: TokenizeOptions = {}): Int32Array {
    this.assertAlive();
    const bytes = Buffer.from(text, 'utf8');
    let out = new Int32Array(bytes.length + 8);
    let n = this.api.llama_tokenize(this.vocab, bytes, bytes.length, out, out.length, options.addSpecial ?? true, options.parseSpecial ?? false) as number;
    if (n < 0) {
      out = new Int32Array(-n);
      n = this.api.llama_tokenize(this.vocab, bytes, bytes.length, out, out.length, options.addSpecial ?? true, options.parseSpecial ?? false) as number;
    }
    if (n < 0) throw new EngineError('bad-argument', `Could not tokenize a text of ${bytes.length} bytes.`);
    return out.slice(0, n);
  }

  /** The raw bytes of a token's text piece (a piece can be part of a UTF-8 character). */
  tokenBytes(token: number, special = false): Uint8Array {
    this.assertAlive();
    let buf = new Uint8Array(64);
    let n = this.api.llama_token_to_piece(this.vocab, token, buf, buf.length, 0, special) as number;
    if (n < 0) {
      buf = new Uint8Array(-n);
      n = this.api.llama_token_to_piece(this.vocab, token, buf, buf.length, 0, special) as number;
    }
    return buf.slice(0, Math.max(0, n));
  }

  detokenize(tokens: ArrayLike<number>, special = false): string {
    this.assertAlive();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < tokens.length; i++) parts.push(this.tokenBytes(tokens[i], special));
    return Buffer.concat(parts).toString('utf8');
  }

  /** The model's fill-in-the-middle tokens, when its vocabulary has all three. */
  get fimTokens(): { prefix: number; suffix: number; middle: number } | undefined {
    this.assertAlive();
    const prefix = this.api.llama_vocab_fim_pre(this.vocab) as number;
    const suffix = this.api.llama_vocab_fim_suf(this.vocab) as number;
    const middle = this.api.llama_vocab_fim_mid(this.vocab) as number;
    return prefix >= 0 && suffix >= 0 && middle >= 0 ? { prefix, suffix, middle } : undefined;
  }

  isEndOfGeneration(token: number): boolean {
    // The vocab pointer dies with the model: check, or this reads freed memory.
    this.assertAlive();
    return this.api.llama_vocab_is_eog(this.vocab, token) as boolean;
  }

  createContext(options: ContextOptions = {}): EngineContext {
    this.assertAlive();
    const ctx = new EngineContext(this.api, this, options, () => this.contexts.delete(ctx));
    this.contexts.add(ctx);
    return ctx;
  }

  /** Frees the model and every context made from it. */
  dispose(): void {
    if (this.disposed) return;
    for (const c of [...this.contexts]) c.dispose();
    this.api.llama_model_free(this.handle);
    this.disposed = true;
    this.onDispose();
  }
}
