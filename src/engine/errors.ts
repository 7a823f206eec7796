/** Why an engine call failed. Callers switch on `code`; `message` is for people. */
export type EngineErrorCode =
  | 'missing-file'
  | 'not-gguf'
  | 'truncated-gguf'
  | 'bad-metadata'
  | 'unsupported-architecture'
  | 'load-failed'
  | 'context-failed'
  | 'layout-mismatch'
  | 'no-binaries'
  | 'gpu-failed'
  | 'neuron-out-of-range'
  | 'bad-argument'
  | 'decode-failed'
  | 'context-overflow'
  | 'disposed'
  | 'logits-invalid'
  | 'aborted';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function abortError(signal?: AbortSignal): EngineError {
  const reason = signal?.reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the operation was cancelled';
  return new EngineError('aborted', `Aborted: ${why}`);
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}
