import * as vscode from 'vscode';
import type { PipelineProgress } from '../protocol/analysisProtocol.ts';
import { formatProgress } from './formatProgress.ts';
import { ProgressIncrements, type PhaseWeights } from './ProgressIncrements.ts';

/** What a task passes on to AnalysisClient.request. */
export interface ProgressHooks {
  token: vscode.CancellationToken;
  onProgress(progress: PipelineProgress): void;
}

export interface RunWithProgressOptions {
  /** Notification (default) for long runs the user started; Window for quick background work. */
  location?: vscode.ProgressLocation;
  cancellable?: boolean;
  /** Shares of the progress bar per phase, when a request runs several (see ProgressIncrements). */
  weights?: PhaseWeights;
}

/** Updates faster than this are merged: the notification cannot show more anyway. */
const REPORT_INTERVAL_MS = 200;

/**
 * Runs analysis requests under `window.withProgress`: the Cancel button becomes the
 * request's cancellation (and so the pipeline's AbortSignal), and progress notifications
 * become the message, with tokens/s and an ETA, and a bar that only moves forward.
 */
export function runWithProgress<R>(title: string, task: (hooks: ProgressHooks) => Promise<R>, options: RunWithProgressOptions = {}): Promise<R> {
  const location = options.location ?? vscode.ProgressLocation.Notification;
  return Promise.resolve(vscode.window.withProgress({ location, title, cancellable: options.cancellable ?? true }, (progress, token) => {
    const increments = new ProgressIncrements(options.weights);
    let pending = 0;
    let last = 0;
    let cancelling = false;
    const subscription = token.onCancellationRequested(() => {
      cancelling = true;
      progress.report({ message: 'Cancelling…' });
    });
    const onProgress = (p: PipelineProgress): void => {
      if (cancelling) return;
      pending += increments.next(p) ?? 0;
      const now = Date.now();
      if (now - last < REPORT_INTERVAL_MS && p.phase !== 'write') return;
      last = now;
      progress.report({ message: formatProgress(p), increment: pending > 0 ? pending : undefined });
      pending = 0;
    };
    return task({ token, onProgress }).finally(() => subscription.dispose());
  }));
}
