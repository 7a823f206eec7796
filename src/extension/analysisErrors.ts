import { ResponseError } from 'vscode-jsonrpc';
import { AnalysisErrorCodes, type AnalysisErrorData } from '../protocol/analysisProtocol.ts';

/**
 * The errors a request to the analysis process can end with, so commands can tell "the user
 * cancelled" (say nothing) from "the pipeline refused" (show its message) from "the process
 * died" (offer a restart). vscode-free.
 */
export class AnalysisError extends Error {
  override readonly name: string = 'AnalysisError';
  constructor(
    readonly kind: 'cancelled' | 'failed' | 'processDied' | 'notRunning',
    message: string,
    /** The pipeline error's class and code, for kind 'failed'. */
    readonly data?: AnalysisErrorData,
  ) {
    super(message);
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof AnalysisError && error.kind === 'cancelled';
}

/** Maps what vscode-jsonrpc rejects with onto AnalysisError. */
export function toAnalysisError(error: unknown, label: string): AnalysisError {
  if (error instanceof AnalysisError) return error;
  if (error instanceof ResponseError) {
    if (error.code === AnalysisErrorCodes.Cancelled) return new AnalysisError('cancelled', error.message);
    return new AnalysisError('failed', error.message, error.data as AnalysisErrorData | undefined);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AnalysisError('failed', `${label} failed: ${message}`);
}
