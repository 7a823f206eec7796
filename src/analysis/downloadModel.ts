import { statSync } from 'node:fs';
import type { DownloadModelResult } from '../protocol/analysisProtocol.ts';
import { checkModelUri } from '../protocol/modelUri.ts';
import type { DownloadModelOptions } from './AnalysisBackend.ts';

/**
 * Downloads a GGUF with node-llama-cpp's downloader (parallel connections, split files,
 * resumable). It runs here rather than in the extension host so a multi-gigabyte transfer
 * never competes with the editor's event loop.
 */
export async function downloadModel(options: DownloadModelOptions): Promise<DownloadModelResult> {
  const problem = checkModelUri(options.uri);
  if (problem !== undefined) throw Object.assign(new Error(`'${options.uri}': ${problem}`), { code: 'bad-argument' });
  const { createModelDownloader } = await import('node-llama-cpp');
  const downloader = await createModelDownloader({
    modelUri: options.uri.trim(),
    dirPath: options.directory,
    showCliProgress: false,
    deleteTempFileOnCancel: false,
    onProgress: ({ totalSize, downloadedSize, averageSpeed, estimatedTimeLeft }) => {
      options.onProgress({
        phase: 'load',
        // Bytes, not tokens: the speed goes into the message, tokensPerSecond stays empty.
        message: `Downloading ${options.uri} · ${megabytes(downloadedSize)} of ${megabytes(totalSize)} · ${megabytes(averageSpeed)}/s`,
        done: downloadedSize,
        total: totalSize,
        etaSeconds: Number.isFinite(estimatedTimeLeft) ? estimatedTimeLeft / 1000 : undefined,
      });
    },
  });
  const path = await downloader.download({ signal: options.signal });
  options.signal.throwIfAborted();
  return { path, sizeBytes: statSync(path).size };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
