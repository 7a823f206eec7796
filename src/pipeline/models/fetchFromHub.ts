import type { CatalogueModel } from '../../protocol/modelCatalogue.ts';
import type { ModelSourceOptions } from './modelSource.ts';

const DEFAULT_HUB = 'https://huggingface.co/';
/** A hub that sends nothing for this long is given up on: an offline machine's connections hang rather than fail. */
export const HUB_STALL_SECONDS = 30;

/** The hub's address: the option, else HF_ENDPOINT (as llama.cpp and huggingface_hub read it), else Hugging Face. */
export function hubEndpoint(option?: string): string {
  const base = option ?? process.env.HF_ENDPOINT ?? DEFAULT_HUB;
  return base.endsWith('/') ? base : `${base}/`;
}

/**
 * Downloads the model's file from the Hugging Face hub into `dir`, through node-llama-cpp's
 * downloader (parallel connections, resumable, the same one the extension's picker uses).
 */
export async function fetchFromHub(entry: CatalogueModel, dir: string, o: ModelSourceOptions): Promise<string> {
  const hf = entry.huggingFace;
  if (hf === undefined) throw new Error('no Hugging Face repository is known for this model');
  const url = `${hubEndpoint(o.hubEndpoint)}${hf.repo}/resolve/main/${hf.file}`;
  await preflight(url, (o.stallSeconds ?? HUB_STALL_SECONDS) * 1000, o.signal);
  const stall = new AbortController();
  const stallSeconds = o.stallSeconds ?? HUB_STALL_SECONDS;
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Error(`no data from ${new URL(url).host} for ${stallSeconds} s (offline, or the hub is unreachable)`)), stallSeconds * 1000);
  };
  const signal = o.signal ? AbortSignal.any([o.signal, stall.signal]) : stall.signal;
  watch();
  try {
    const { createModelDownloader } = await import('node-llama-cpp');
    const downloader = await raceAbort(createModelDownloader({
      modelUri: url,
      dirPath: dir,
      fileName: entry.fileName,
      showCliProgress: false,
      deleteTempFileOnCancel: true,
      onProgress: ({ totalSize, downloadedSize }) => {
        watch();
        o.onBytes?.(downloadedSize, totalSize || entry.bytes, `from ${hf.repo}`);
      },
    }), signal);
    try {
      return await raceAbort(downloader.download({ signal }), signal);
    } catch (error) {
      await downloader.cancel({ deleteTempFile: true }).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    if (stall.signal.aborted && !o.signal?.aborted) throw stall.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (the downloader's metadata request takes no signal). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Asks for the file once with a deadline before the downloader starts: on a machine without
 * a network the connection hangs rather than fails, and the downloader would keep retrying
 * it in the background. Only the status line is read; the body is dropped.
 */
async function preflight(url: string, ms: number, signal?: AbortSignal): Promise<void> {
  const deadline = AbortSignal.timeout(ms);
  let response: Response;
  try {
    response = await fetch(url, { method: 'GET', headers: { range: 'bytes=0-3' }, redirect: 'follow', signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const host = new URL(url).host;
    if (deadline.aborted) throw new Error(`no answer from ${host} within ${ms / 1000} s (offline, or the hub is unreachable)`, { cause: error });
    throw new Error(`${host} cannot be reached: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, { cause: error });
  }
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
}
