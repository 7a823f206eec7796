// A GGUF v3 writer. The header (metadata and tensor infos) is built in memory, then tensor
// data is converted and written one tensor at a time, so peak memory is one tensor's bytes.
// Layout rules that llama.cpp's gguf.cpp enforces: each tensor's offset must equal the sum
// of the previous tensors' sizes padded to the alignment, and the data section starts at
// the header end padded to the alignment (the last tensor is padded too).
import { open, rename, rm } from 'node:fs/promises';
import { float32ToFloat16 } from './float16.ts';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgmlTensorType,
  GgufValueType,
  type GgmlTensorTypeName,
  type GgufValue,
} from './ggufTypes.ts';

export interface GgufTensorInput {
  name: string;
  /** ggml order: ne0 (the contiguous dimension) first, like llama.cpp's create_tensor shapes. */
  shape: readonly number[];
  type: GgmlTensorTypeName;
  /** Row-major values, length = product of shape; converted to `type` when written. */
  data: Float32Array;
}

export interface GgufWriterOptions {
  /** Must be a power of two; written as general.alignment. Defaults to 32. */
  alignment?: number;
}

export interface GgufWriteOptions {
  signal?: AbortSignal;
}

const MAX_TENSOR_NAME_BYTES = 63; // GGML_MAX_NAME is 64 including the terminator

export class GgufWriter {
  readonly alignment: number;
  private readonly kv = new Map<string, GgufValue>();
  private readonly tensors: GgufTensorInput[] = [];

  constructor(options: GgufWriterOptions = {}) {
    const alignment = options.alignment ?? GGUF_DEFAULT_ALIGNMENT;
    if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw new Error(`GGUF alignment must be a power of two, got ${alignment}`);
    }
    this.alignment = alignment;
    this.kv.set('general.alignment', { type: 'uint32', value: alignment });
  }

  /** Sets a metadata value; setting a key again replaces it in place. */
  set(key: string, value: GgufValue): this {
    if (key === 'general.alignment') throw new Error('general.alignment is set through GgufWriterOptions');
    this.kv.set(key, value);
    return this;
  }

  setString(key: string, value: string): this {
    return this.set(key, { type: 'string', value });
  }

  setUint32(key: string, value: number): this {
    return this.set(key, { type: 'uint32', value });
  }

  setFloat32(key: string, value: number): this {
    return this.set(key, { type: 'float32', value });
  }

  setBool(key: string, value: boolean): this {
    return this.set(key, { type: 'bool', value });
  }

  addTensor(tensor: GgufTensorInput): this {
    const nameBytes = Buffer.byteLength(tensor.name, 'utf8');
    if (nameBytes === 0 || nameBytes > MAX_TENSOR_NAME_BYTES) {
      throw new Error(`tensor name must be 1..${MAX_TENSOR_NAME_BYTES} bytes: "${tensor.name}"`);
    }
    if (this.tensors.some((t) => t.name === tensor.name)) throw new Error(`duplicate tensor "${tensor.name}"`);
    if (tensor.shape.length < 1 || tensor.shape.length > 4) {
      throw new Error(`tensor "${tensor.name}" must have 1..4 dimensions`);
    }
    if (tensor.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`tensor "${tensor.name}" has an invalid shape [${tensor.shape.join(', ')}]`);
    }
    const n = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== n) {
      throw new Error(`tensor "${tensor.name}" has ${tensor.data.length} values, shape needs ${n}`);
    }
    this.tensors.push(tensor);
    return this;
  }

  /**
   * Writes the file. It goes to a sibling temporary file first and is renamed at the end, so
   * an interrupted write never leaves a truncated model under `path`.
   */
  async write(path: string, options: GgufWriteOptions = {}): Promise<void> {
    const header = this.encodeHeader();
    const tmp = `${path}.partial-${process.pid}`;
    const fh = await open(tmp, 'w');
    let ok = false;
    try {
      let pos = 0;
      const put = async (buf: Uint8Array) => {
        await fh.write(buf, 0, buf.length, pos);
        pos += buf.length;
      };
      await put(header);
      await put(new Uint8Array(padding(pos, this.alignment)));
      for (const t of this.tensors) {
        options.signal?.throwIfAborted();
        const bytes = tensorBytes(t);
        await put(bytes);
        await put(new Uint8Array(padding(bytes.length, this.alignment)));
      }
      ok = true;
    } finally {
      await fh.close();
      if (!ok) await rm(tmp, { force: true });
    }
    await rename(tmp, path);
  }

  private encodeHeader(): Uint8Array {
    const b = new ByteBuilder();
    b.u32(GGUF_MAGIC);
    b.u32(GGUF_VERSION);
    b.u64(BigInt(this.tensors.length));
    b.u64(BigInt(this.kv.size));
    for (const [key, value] of this.kv) {
      b.str(key);
      writeValue(b, value);
    }
    let offset = 0;
    for (const t of this.tensors) {
      b.str(t.name);
      b.u32(t.shape.length);
      for (const d of t.shape) b.u64(BigInt(d));
      b.u32(GgmlTensorType[t.type]);
      b.u64(BigInt(offset));
      const size = tensorByteLength(t);
      offset += size + padding(size, this.alignment);
    }
    return b.bytes();
  }
}

function padding(length: number, alignment: number): number {
  return (alignment - (length % alignment)) % alignment;
}

function tensorByteLength(t: GgufTensorInput): number {
  return t.data.length * (t.type === 'f16' ? 2 : 4);
}

function tensorBytes(t: GgufTensorInput): Uint8Array {
  if (t.type === 'f32') {
    const out = new Uint8Array(t.data.length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
    return out;
  }
  const half = float32ToFloat16(t.data);
  const out = new Uint8Array(half.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < half.length; i++) view.setUint16(i * 2, half[i], true);
  return out;
}

function writeValue(b: ByteBuilder, v: GgufValue): void {
  b.u32(GgufValueType[v.type]);
  if (v.type !== 'array') {
    writeScalar(b, v.type, v.value);
    return;
  }
  b.u32(GgufValueType[v.itemType]);
  b.u64(BigInt(v.value.length));
  for (let i = 0; i < v.value.length; i++) writeScalar(b, v.itemType, v.value[i]);
}

const INT_RANGE: Partial<Record<GgufValue['type'], [number, number]>> = {
  uint8: [0, 0xff],
  int8: [-0x80, 0x7f],
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

function writeScalar(b: ByteBuilder, type: Exclude<GgufValue['type'], 'array'>, value: unknown): void {
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new Error(`GGUF bool expects a boolean, got ${typeof value}`);
    b.bytesOf(new Uint8Array([value ? 1 : 0]));
    return;
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw new Error(`GGUF string expects a string, got ${typeof value}`);
    b.str(value);
    return;
  }
  if (type === 'uint64' || type === 'int64') {
    if (typeof value !== 'bigint') throw new Error(`GGUF ${type} expects a bigint, got ${typeof value}`);
    const d = b.reserve(8);
    if (type === 'uint64') d.setBigUint64(0, value, true);
    else d.setBigInt64(0, value, true);
    return;
  }
  if (typeof value !== 'number') throw new Error(`GGUF ${type} expects a number, got ${typeof value}`);
  const range = INT_RANGE[type];
  if (range && !(Number.isInteger(value) && value >= range[0] && value <= range[1])) {
    throw new Error(`GGUF ${type} out of range: ${value}`);
  }
  switch (type) {
    case 'uint8': b.reserve(1).setUint8(0, value); break;
    case 'int8': b.reserve(1).setInt8(0, value); break;
    case 'uint16': b.reserve(2).setUint16(0, value, true); break;
    case 'int16': b.reserve(2).setInt16(0, value, true); break;
    case 'uint32': b.reserve(4).setUint32(0, value, true); break;
    case 'int32': b.reserve(4).setInt32(0, value, true); break;
    case 'float32': b.reserve(4).setFloat32(0, value, true); break;
    case 'float64': b.reserve(8).setFloat64(0, value, true); break;
  }
}

/** Growable little-endian byte buffer for the header. */
class ByteBuilder {
  private buf = new Uint8Array(4096);
  private len = 0;

  reserve(n: number): DataView {
    if (this.len + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.len, n);
    this.len += n;
    return view;
  }

  u32(x: number): void {
    this.reserve(4).setUint32(0, x, true);
  }

  u64(x: bigint): void {
    this.reserve(8).setBigUint64(0, x, true);
  }

  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(BigInt(bytes.length));
    this.bytesOf(bytes);
  }

  bytesOf(bytes: Uint8Array): void {
    const start = this.len;
    this.reserve(bytes.length);
    this.buf.set(bytes, start);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
