import { open } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { float16BitsToFloat32 } from './float16.ts';

export class GgufTensorError extends Error {
  override readonly name = 'GgufTensorError';
}

const F32 = 0;
const F16 = 1;

export interface RawGgufTensor {
  /** The tensor's bytes as stored, in its ggml type. */
  bytes: Buffer;
  /** ne0 first: rows of shape[0] values. */
  shape: number[];
  /** enum ggml_type. */
  type: number;
}

/**
 * The stored bytes of one tensor of a GGUF file. `byteSize(type, n)` says how many bytes
 * n values of the tensor's type take (undefined: a type the caller cannot decode, refused
 * with `refusal`).
 */
export async function readGgufTensorBytes(path: string, name: string, byteSize: (type: number, n: number) => number | undefined, refusal = 'Use the F16 (or F32) GGUF of the same model.'): Promise<RawGgufTensor> {
  const info = await readGgufFileInfo(path, { logWarnings: false, ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'] });
  const t = info.tensorInfo?.find((x) => x.name === name);
  if (!t) throw new GgufTensorError(`${path} has no tensor "${name}".`);
  const shape = t.dimensions.map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const type = Number(t.ggmlType);
  const bytes = byteSize(type, n);
  if (bytes === undefined) throw new GgufTensorError(`${name} in ${path} is of ggml type ${type}, which cannot be read here. ${refusal}`);
  const fh = await open(path, 'r');
  const buf = Buffer.alloc(bytes);
  try {
    const { bytesRead } = await fh.read(buf, 0, bytes, Number(t.fileOffset));
    if (bytesRead !== bytes) throw new GgufTensorError(`${path} is truncated inside tensor "${name}".`);
  } finally {
    await fh.close();
  }
  return { bytes: buf, shape, type };
}

/**
 * Reads one F32 or F16 tensor of a GGUF file as float32, rows of ne0 values, without
 * llama.cpp. Quantized tensors are read by the engine's readTensorFloat32, which decodes
 * them with llama.cpp's own dequantizers.
 */
export async function readGgufTensor(path: string, name: string): Promise<{ data: Float32Array; shape: number[] }> {
  const { bytes: buf, shape, type } = await readGgufTensorBytes(path, name, (ty, n) => (ty === F32 ? n * 4 : ty === F16 ? n * 2 : undefined),
    'Only F32 and F16 are read without llama.cpp; quantized tensors go through the engine (readTensorFloat32).');
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  if (type === F32) data.set(new Float32Array(buf.buffer, buf.byteOffset, n));
  else for (let i = 0; i < n; i++) data[i] = float16BitsToFloat32(buf.readUInt16LE(i * 2));
  return { data, shape };
}
