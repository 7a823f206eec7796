import { open } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { float16BitsToFloat32 } from './float16.ts';

export class GgufTensorError extends Error {
  override readonly name = 'GgufTensorError';
}

const F32 = 0;
const F16 = 1;
const Q8_0 = 8;

/**
 * Reads one tensor of a GGUF file as float32, rows of ne0 values. Dequantizes F16 and
 * Q8_0 (blocks of a float16 scale and 32 int8); other quantizations are refused with a
 * message that says what to do, since exporting from a lossy copy would be lossy twice.
 */
export async function readGgufTensor(path: string, name: string): Promise<{ data: Float32Array; shape: number[] }> {
  const info = await readGgufFileInfo(path, { logWarnings: false, ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'] });
  const t = info.tensorInfo?.find((x) => x.name === name);
  if (!t) throw new GgufTensorError(`${path} has no tensor "${name}".`);
  const shape = t.dimensions.map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const type = Number(t.ggmlType);
  const bytes = type === F32 ? n * 4 : type === F16 ? n * 2 : type === Q8_0 ? (n / 32) * 34 : -1;
  if (bytes < 0) {
    throw new GgufTensorError(`${name} in ${path} is of ggml type ${type}; only F32, F16 and Q8_0 can be read exactly. Use the F16 (or F32) GGUF of the same model.`);
  }
  const fh = await open(path, 'r');
  const buf = Buffer.alloc(bytes);
  try {
    const { bytesRead } = await fh.read(buf, 0, bytes, Number(t.fileOffset));
    if (bytesRead !== bytes) throw new GgufTensorError(`${path} is truncated inside tensor "${name}".`);
  } finally {
    await fh.close();
  }
  const data = new Float32Array(n);
  if (type === F32) data.set(new Float32Array(buf.buffer, buf.byteOffset, n));
  else if (type === F16) for (let i = 0; i < n; i++) data[i] = float16BitsToFloat32(buf.readUInt16LE(i * 2));
  else {
    for (let b = 0; b < n / 32; b++) {
      const d = float16BitsToFloat32(buf.readUInt16LE(b * 34));
      for (let i = 0; i < 32; i++) data[b * 32 + i] = d * buf.readInt8(b * 34 + 2 + i);
    }
  }
  return { data, shape };
}
