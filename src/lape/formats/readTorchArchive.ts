import { LapeError } from '../lapeError.ts';
import { unpickle } from './unpickle.ts';
import { unzipTorch, type UnzipTorchOptions } from './unzipTorch.ts';
import { STORAGE_TYPES, type TorchDtype, type TorchTensor } from './torchTensor.ts';

interface StorageType {
  readonly storageDtype: TorchDtype;
}
interface Storage {
  dtype: TorchDtype;
  values: Float64Array;
}

const BY_STORAGE_NAME = new Map<string, TorchDtype>(
  Object.entries(STORAGE_TYPES).map(([dtype, t]) => [t.name, dtype as TorchDtype]),
);

/**
 * Reads a torch.save file (the zip format of torch >= 1.6) into plain values: arrays for
 * lists and tuples, Maps for dicts, TorchTensor for tensors. Only the globals that tensors
 * and plain containers need are allowed, like torch.load(weights_only=True).
 */
export function readTorchArchive(bytes: Uint8Array, fileName: string, options: UnzipTorchOptions = {}): unknown {
  const files = unzipTorch(bytes, fileName, options);
  const pklName = Object.keys(files).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pklName === undefined) throw new LapeError('corrupt', 'zip archive has no <name>/data.pkl: not a torch.save file', fileName);
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const byteorder = files[`${prefix}byteorder`];
  const littleEndian = byteorder === undefined || new TextDecoder().decode(byteorder).trim() !== 'big';
  const storages = new Map<string, Storage>();

  const loadStorage = (pid: unknown): Storage => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
      throw new LapeError('unsupported', `unsupported persistent id ${JSON.stringify(String(pid))}`, fileName);
    }
    const [, type, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
    const dtype = (type as StorageType | null)?.storageDtype;
    if (dtype === undefined || typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
      throw new LapeError('corrupt', `malformed storage reference for key ${String(key)} (${String(numel)} elements)`, fileName);
    }
    const cached = storages.get(key);
    if (cached) return cached;
    const raw = files[`${prefix}data/${key}`];
    if (raw === undefined) throw new LapeError('corrupt', `storage data/${key} is missing`, fileName);
    const need = numel * STORAGE_TYPES[dtype].size;
    if (raw.length < need) {
      throw new LapeError('truncated', `storage data/${key} holds ${raw.length} bytes, expected ${need}`, fileName);
    }
    const storage = { dtype, values: decodeStorage(raw, dtype, numel, littleEndian, fileName) };
    storages.set(key, storage);
    return storage;
  };

  const rebuildTensor = (storage: unknown, offset: unknown, size: unknown, stride: unknown): TorchTensor => {
    const s = storage as Storage;
    if (!s || !(s.values instanceof Float64Array) || typeof offset !== 'number' || !Number.isInteger(offset) || !isIntArray(size) || !isIntArray(stride) || size.length !== stride.length) {
      throw new LapeError('corrupt', 'malformed tensor record', fileName);
    }
    return gather(s, offset, size, stride, fileName);
  };

  const findClass = (module: string, name: string): object | undefined => {
    if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) return rebuildTensor;
    if (module === 'torch._utils' && name === '_rebuild_parameter') return (data: unknown) => data;
    if (module === 'collections' && name === 'OrderedDict') return () => new Map();
    if (module === 'torch' && BY_STORAGE_NAME.has(name)) return { storageDtype: BY_STORAGE_NAME.get(name)! } satisfies StorageType;
    return undefined;
  };

  return unpickle(files[pklName], { findClass, persistentLoad: loadStorage }, fileName);
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x));
}

function decodeStorage(raw: Uint8Array, dtype: TorchDtype, n: number, le: boolean, fileName: string): Float64Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  switch (dtype) {
    case 'int64':
      for (let i = 0; i < n; i++) {
        const lo = dv.getUint32(8 * i + (le ? 0 : 4), le);
        const hi = dv.getInt32(8 * i + (le ? 4 : 0), le);
        if (hi >= 0x200000 || hi < -0x200000) throw new LapeError('unsupported', 'int64 value beyond 2^53', fileName);
        out[i] = hi * 4294967296 + lo;
      }
      break;
    case 'int32': for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, le); break;
    case 'int16': for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, le); break;
    case 'int8': for (let i = 0; i < n; i++) out[i] = dv.getInt8(i); break;
    case 'uint8': case 'bool': for (let i = 0; i < n; i++) out[i] = raw[i]; break;
    case 'float64': for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, le); break;
    case 'float32': for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, le); break;
    case 'float16': for (let i = 0; i < n; i++) out[i] = halfToNumber(dv.getUint16(2 * i, le)); break;
    case 'bfloat16': {
      const f = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        f.setUint32(0, dv.getUint16(2 * i, le) << 16);
        out[i] = f.getFloat32(0);
      }
      break;
    }
  }
  return out;
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Copies a (possibly strided, offset) view of a storage into a row-major tensor. The view is
 * checked against its storage first: sizes and strides at least 0, no stride 0 on a dimension
 * that repeats, no more elements than the storage holds, and every index inside it. Without
 * that, 608 bytes with a stride-0 view could claim 30 million elements.
 */
function gather(s: Storage, offset: number, size: number[], stride: number[], fileName: string): TorchTensor {
  const view = `tensor view (offset ${offset}, size [${size.join(', ')}], stride [${stride.join(', ')}])`;
  const bad = (why: string): never => {
    throw new LapeError('corrupt', `${view} does not fit its storage of ${s.values.length} elements: ${why}. The file is damaged or was not written by torch.save; export it again.`, fileName);
  };
  if (offset < 0) bad('negative offset');
  for (let d = 0; d < size.length; d++) {
    if (size[d] < 0) bad(`size ${size[d]} in dimension ${d}`);
    if (stride[d] < 0) bad(`stride ${stride[d]} in dimension ${d}`);
    if (stride[d] === 0 && size[d] > 1) bad(`stride 0 in dimension ${d} repeats one element ${size[d]} times`);
  }
  const numel = size.reduce((a, b) => a * b, 1);
  const shape = size.slice();
  if (numel === 0) return { kind: 'tensor', dtype: s.dtype, shape, values: new Float64Array(0) };
  if (numel > s.values.length) bad(`it claims ${numel} elements`);
  let maxIndex = offset;
  for (let d = 0; d < size.length; d++) maxIndex += (size[d] - 1) * stride[d];
  if (maxIndex >= s.values.length) bad(`it reaches element ${maxIndex}`);
  let contiguous = true;
  for (let d = size.length - 1, expect = 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expect) contiguous = false;
    expect *= size[d];
  }
  if (contiguous) {
    const values = offset === 0 && numel === s.values.length ? s.values : s.values.slice(offset, offset + numel);
    return { kind: 'tensor', dtype: s.dtype, shape, values };
  }
  const values = new Float64Array(numel);
  const idx = new Array<number>(size.length).fill(0);
  for (let i = 0; i < numel; i++) {
    let at = offset;
    for (let d = 0; d < size.length; d++) at += idx[d] * stride[d];
    values[i] = s.values[at];
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return { kind: 'tensor', dtype: s.dtype, shape, values };
}
