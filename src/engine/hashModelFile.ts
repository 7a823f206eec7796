import { open, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { throwIfAborted } from './errors.ts';

/** The two hashes a model's identity records; see ModelFacts. */
export interface ModelFileHashes {
  headerSha256: string;
  contentSha256: string;
}

/** A byte range of the file, absolute offsets. */
export interface ByteRange {
  start: number;
  length: number;
}

/** How many evenly spaced samples of the tensor data the content hash reads, besides the last chunk. */
export const CONTENT_SAMPLES = 64;
/** Bytes per sample. */
export const CONTENT_CHUNK = 64 * 1024;

/**
 * The ranges of the tensor data (which runs from `dataStart` to the end of the file) that
 * contentSha256 hashes, in order: CONTENT_SAMPLES chunks of CONTENT_CHUNK bytes at evenly
 * spaced offsets, the first at `dataStart`, then the last CONTENT_CHUNK bytes of the file.
 * They depend on the two numbers only, so two files of one size and one header are sampled
 * at the same places. A data section of up to CONTENT_SAMPLES x CONTENT_CHUNK (4 MiB) is
 * covered whole, as the chunks then touch or overlap.
 */
export function contentSampleRanges(dataStart: number, size: number): ByteRange[] {
  const dataLength = size - dataStart;
  if (dataLength <= 0) return [];
  const ranges: ByteRange[] = [];
  for (let i = 0; i < CONTENT_SAMPLES; i++) {
    const start = dataStart + Math.floor((i * dataLength) / CONTENT_SAMPLES);
    ranges.push({ start, length: Math.min(CONTENT_CHUNK, size - start) });
  }
  const lastStart = Math.max(dataStart, size - CONTENT_CHUNK);
  ranges.push({ start: lastStart, length: size - lastStart });
  return ranges;
}

/** The three samples of the older headerSha256: the first, middle and last CONTENT_CHUNK bytes of the data. */
export function headerSampleRanges(dataStart: number, size: number): ByteRange[] {
  const dataLength = size - dataStart;
  return [0, 0.5, 1].map((at) => ({
    start: dataStart + Math.max(0, Math.floor((dataLength - CONTENT_CHUNK) * at)),
    length: Math.max(0, Math.min(CONTENT_CHUNK, dataLength)),
  }));
}

/**
 * The identity hashes of a GGUF file whose header (metadata and tensor infos) ends at
 * `dataStart`, read with positional reads (a few MiB, whatever the file's size):
 *
 * - headerSha256: SHA-256 of the header and of the three samples of headerSampleRanges.
 *   Kept as it always was, because every results folder records it.
 * - contentSha256: SHA-256 of the header and of the samples of contentSampleRanges
 *   (65 x 64 KiB). Sampled, not the whole file: hashing 40 GB on every load would take
 *   minutes, while these reads cost milliseconds. It changes when any sampled byte changes,
 *   which catches other weights saved under the same metadata (a fine-tune changes nearly
 *   every tensor, so nearly every sample) and most damage to a big file. A change confined
 *   to the bytes between two samples (less than 1/64 of the data apart) is not caught, and
 *   neither is one in a file over 4 MiB that only touches unsampled bytes: such a file keeps
 *   its identity.
 */
export async function hashModelFile(path: string, dataStart: number, size: number, signal?: AbortSignal): Promise<ModelFileHashes> {
  const fh = await open(path, 'r');
  try {
    // The header (several MiB with a big vocabulary) is read and hashed once for both.
    const header = createHash('sha256').update(await readRange(fh, { start: 0, length: dataStart }));
    const hashOf = async (ranges: ByteRange[]): Promise<string> => {
      const hash = header.copy();
      for (const r of ranges) {
        throwIfAborted(signal);
        hash.update(await readRange(fh, r));
      }
      return hash.digest('hex');
    };
    const headerSha256 = await hashOf(headerSampleRanges(dataStart, size));
    const contentSha256 = await hashOf(contentSampleRanges(dataStart, size));
    return { headerSha256, contentSha256 };
  } finally {
    await fh.close();
  }
}

/** Reads a whole range: a positional read may return fewer bytes than asked. */
async function readRange(fh: FileHandle, r: ByteRange): Promise<Buffer> {
  const buf = Buffer.alloc(r.length);
  let done = 0;
  while (done < r.length) {
    const { bytesRead } = await fh.read(buf, done, r.length - done, r.start + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${r.start + done}`);
    done += bytesRead;
  }
  return buf;
}
