import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { EngineError, throwIfAborted } from './errors.ts';
import { ffnAdapterFor, type FfnAdapter } from './architectures.ts';
import { checkModelMetadata } from './checkModelMetadata.ts';
import { hashModelFile } from './hashModelFile.ts';

/** What the engine and the LAPE statistics need to know about a GGUF model. */
export interface ModelFacts {
  path: string;
  fileName: string;
  sizeBytes: number;
  /**
   * sha256 of the GGUF header (metadata and tensor infos) and of three 64 KiB samples of
   * tensor data (its first, middle and last bytes): the identity every results folder
   * records. Weights that differ only elsewhere keep it (hashModelFile.ts).
   */
  headerSha256: string;
  /**
   * sha256 of the header and of 65 evenly spaced 64 KiB samples of the tensor data: the
   * identity's second part, recorded beside headerSha256 since it existed and compared
   * whenever both sides have it (hashModelFile.ts says what it catches and what not).
   */
  contentSha256: string;
  architecture: string;
  name?: string;
  nLayer: number;
  nEmbd: number;
  /** n_ff of each layer; equal for the supported dense architectures. */
  nFf: number[];
  nVocab: number;
  contextLength: number;
  ffn: FfnAdapter;
}

// Bytes per block and elements per block of the ggml types GGUF files commonly hold.
const TYPE_SIZES: Record<number, [bytes: number, block: number]> = {
  0: [4, 1], 1: [2, 1], 2: [18, 32], 3: [20, 32], 6: [22, 32], 7: [24, 32], 8: [34, 32], 9: [36, 32],
  10: [84, 256], 11: [110, 256], 12: [144, 256], 13: [176, 256], 14: [210, 256], 15: [292, 256],
  24: [1, 1], 25: [2, 1], 26: [4, 1], 27: [8, 1], 28: [8, 1], 30: [2, 1],
};

export async function readModelFacts(path: string, signal?: AbortSignal): Promise<ModelFacts> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch {
    throw new EngineError('missing-file', `Model file not found: ${path}. Choose an existing .gguf file.`);
  }
  const fh = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    await fh.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') {
      throw new EngineError('not-gguf', `${path} is not a GGUF file (it does not start with "GGUF"). Convert the model with llama.cpp's convert_hf_to_gguf.py, or pick a .gguf file.`);
    }
  } finally {
    await fh.close();
  }
  throwIfAborted(signal);
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { signal, logWarnings: false, ignoreKeys: ['tokenizer.ggml.merges', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type'] });
  } catch (err) {
    throwIfAborted(signal);
    throw new EngineError('truncated-gguf', `Could not read the GGUF header of ${path}: ${(err as Error).message}. The file is probably truncated or damaged; download or convert it again.`, { cause: err });
  }
  const tensors = info.tensorInfo ?? [];
  const dataStart = info.infoEndOffset ?? 0;
  let end = dataStart;
  for (const t of tensors) {
    const ts = TYPE_SIZES[t.ggmlType as number];
    if (!ts) continue;
    const n = t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
    end = Math.max(end, Number(t.fileOffset) + (n / ts[1]) * ts[0]);
  }
  if (tensors.length === 0 || end > size) {
    throw new EngineError('truncated-gguf', `${path} is truncated: its tensors need ${end} bytes but the file has ${size}. Download or convert it again.`);
  }
  const md = info.metadata as unknown as Record<string, Record<string, unknown>>;
  const general = md.general as { architecture?: string; name?: string };
  const architecture = String(general?.architecture ?? 'unknown');
  const names = new Set(tensors.map((t) => t.name));
  const ffn = ffnAdapterFor(architecture, names);
  const arch = info.architectureMetadata as Record<string, unknown>;
  const tokens = (md.tokenizer?.ggml as { tokens?: unknown[] } | undefined)?.tokens;
  checkModelMetadata(path, architecture, arch, tensors, tokens?.length ?? 0);
  const nLayer = Number(arch.block_count);
  const ffLen = arch.feed_forward_length;
  const nFf = Array.isArray(ffLen) ? ffLen.map(Number) : new Array<number>(nLayer).fill(Number(ffLen));
  const { headerSha256, contentSha256 } = await hashModelFile(path, dataStart, size, signal);
  return {
    path,
    fileName: basename(path),
    sizeBytes: size,
    headerSha256,
    contentSha256,
    architecture,
    name: general?.name,
    nLayer,
    nEmbd: Number(arch.embedding_length),
    nFf,
    nVocab: tokens?.length ?? 0,
    contextLength: Number(arch.context_length ?? 0),
    ffn,
  };
}
