/** What went wrong with a corpus, so callers (CLI, protocol) can react without parsing messages. */
export type CorpusErrorCode =
  | 'unknown-language'
  | 'duplicate-language'
  | 'missing-file'
  | 'missing-folder'
  | 'not-a-file'
  | 'not-a-folder'
  | 'no-corpus-files'
  | 'empty-file'
  | 'empty-corpus'
  | 'no-eval-text'
  | 'bad-jsonl'
  | 'not-text'
  | 'bad-pair'
  | 'bad-option'
  | 'udhr-not-found';

export interface CorpusErrorDetails {
  /** The language code as the user wrote it, or its canonical form once resolved. */
  language?: string;
  /** The file or folder the error is about. */
  path?: string;
  /** 1-based line number, for jsonl errors. */
  line?: number;
  /** Close matches for an unknown language code. */
  suggestions?: string[];
}

/**
 * The one error type of src/corpus. Every message names the file or language involved and
 * says how to fix it, because these reach users verbatim through the CLI and the extension.
 */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
  readonly code: CorpusErrorCode;
  readonly language?: string;
  readonly path?: string;
  readonly line?: number;
  readonly suggestions?: string[];

  constructor(code: CorpusErrorCode, message: string, details: CorpusErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.language = details.language;
    this.path = details.path;
    this.line = details.line;
    this.suggestions = details.suggestions;
  }
}

export function isCorpusError(error: unknown, code?: CorpusErrorCode): error is CorpusError {
  return error instanceof CorpusError && (code === undefined || error.code === code);
}
