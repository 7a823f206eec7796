/**
 * Typed errors of the LAPE maths and its file formats. Callers branch on `code`, users read
 * `message`; format errors always name the file so a message alone is actionable.
 */
export type LapeErrorCode =
  | 'shape-mismatch'
  | 'language-mismatch'
  | 'corpus-mismatch'
  | 'overlap'
  | 'model-mismatch'
  | 'invalid-stats'
  | 'invalid-params'
  | 'truncated'
  | 'corrupt'
  | 'unsupported'
  | 'wrong-version'
  | 'not-found';

export class LapeError extends Error {
  readonly code: LapeErrorCode;
  /** The file the error is about, where there is one. */
  readonly fileName: string | undefined;

  constructor(code: LapeErrorCode, message: string, fileName?: string, options?: { cause?: unknown }) {
    super(fileName === undefined ? message : `${fileName}: ${message}`, options);
    this.name = 'LapeError';
    this.code = code;
    this.fileName = fileName;
  }
}
