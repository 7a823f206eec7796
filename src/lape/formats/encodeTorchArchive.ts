import { zipSync, type Zippable } from 'fflate';
import { LapeError } from '../lapeError.ts';
import { STORAGE_TYPES, isTorchTensor, type TorchTensor } from './torchTensor.ts';

/** Values encodeTorchArchive can write: what torch.save of plain containers and tensors holds. */
export type TorchWritable = TorchTensor | number | string | boolean | null | TorchWritable[] | Map<string, TorchWritable>;

/**
 * Writes a torch.save zip archive (format version 3, pickle protocol 2, one storage per
 * tensor, little-endian) that torch.load reads back, also with weights_only=True: the only
 * globals are torch._utils._rebuild_tensor_v2, torch.<T>Storage and collections.OrderedDict.
 * Python ints are written as ints only when they are integers; other numbers become floats.
 */
export function encodeTorchArchive(value: TorchWritable, archiveName = 'archive'): Uint8Array {
  if (!/^[A-Za-z0-9_.-]+$/.test(archiveName)) throw new LapeError('invalid-params', `invalid archive name "${archiveName}"`);
  const w = new PickleWriter();
  const storages: Uint8Array[] = [];
  w.op(0x80, 2); // PROTO 2
  writeValue(w, value, storages);
  w.op(0x2e); // STOP
  const files: Zippable = {};
  files[`${archiveName}/data.pkl`] = w.bytes();
  files[`${archiveName}/byteorder`] = new TextEncoder().encode('little');
  storages.forEach((data, key) => {
    files[`${archiveName}/data/${key}`] = data;
  });
  files[`${archiveName}/version`] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 0 });
}

function writeValue(w: PickleWriter, v: TorchWritable, storages: Uint8Array[]): void {
  if (v === null) w.op(0x4e);
  else if (typeof v === 'boolean') w.op(v ? 0x88 : 0x89);
  else if (typeof v === 'number') w.number(v);
  else if (typeof v === 'string') w.string(v);
  else if (Array.isArray(v)) {
    w.op(0x5d); // EMPTY_LIST
    if (v.length > 0) {
      w.op(0x28); // MARK
      for (const x of v) writeValue(w, x, storages);
      w.op(0x65); // APPENDS
    }
  } else if (v instanceof Map) {
    w.op(0x7d); // EMPTY_DICT
    if (v.size > 0) {
      w.op(0x28);
      for (const [k, x] of v) {
        w.string(k);
        writeValue(w, x, storages);
      }
      w.op(0x75); // SETITEMS
    }
  } else if (isTorchTensor(v)) writeTensor(w, v, storages);
  else throw new LapeError('invalid-params', `cannot write a value of type ${typeof v} to a torch archive`);
}

function writeTensor(w: PickleWriter, t: TorchTensor, storages: Uint8Array[]): void {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel !== t.values.length) throw new LapeError('invalid-params', `tensor of shape [${t.shape}] has ${t.values.length} values`);
  const key = storages.length;
  storages.push(encodeStorage(t));
  const stride = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  w.global('torch._utils', '_rebuild_tensor_v2');
  w.op(0x28); // MARK: the arguments
  w.op(0x28); // MARK: the persistent id ('storage', type, key, location, numel)
  w.string('storage');
  w.global('torch', STORAGE_TYPES[t.dtype].name);
  w.string(String(key));
  w.string('cpu');
  w.number(numel);
  w.op(0x74); // TUPLE
  w.op(0x51); // BINPERSID
  w.number(0); // storage offset
  w.tuple(t.shape);
  w.tuple(stride);
  w.op(0x89); // requires_grad = False
  w.global('collections', 'OrderedDict');
  w.op(0x29); // EMPTY_TUPLE
  w.op(0x52); // REDUCE: backward_hooks = OrderedDict()
  w.op(0x74); // TUPLE
  w.op(0x52); // REDUCE
}

function encodeStorage(t: TorchTensor): Uint8Array {
  const n = t.values.length;
  const out = new Uint8Array(n * STORAGE_TYPES[t.dtype].size);
  const dv = new DataView(out.buffer);
  const check = (x: number, lo: number, hi: number): number => {
    if (!Number.isInteger(x) || x < lo || x > hi) throw new LapeError('invalid-params', `value ${x} does not fit ${t.dtype}`);
    return x;
  };
  for (let i = 0; i < n; i++) {
    const x = t.values[i];
    switch (t.dtype) {
      case 'int64': {
        check(x, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
        dv.setBigInt64(8 * i, BigInt(x), true);
        break;
      }
      case 'int32': dv.setInt32(4 * i, check(x, -(2 ** 31), 2 ** 31 - 1), true); break;
      case 'int16': dv.setInt16(2 * i, check(x, -32768, 32767), true); break;
      case 'int8': dv.setInt8(i, check(x, -128, 127)); break;
      case 'uint8': dv.setUint8(i, check(x, 0, 255)); break;
      case 'bool': dv.setUint8(i, x ? 1 : 0); break;
      case 'float64': dv.setFloat64(8 * i, x, true); break;
      case 'float32': dv.setFloat32(4 * i, x, true); break;
      default: throw new LapeError('unsupported', `writing ${t.dtype} tensors is not supported`);
    }
  }
  return out;
}

class PickleWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  op(...b: number[]): void {
    this.reserve(b.length);
    for (const x of b) this.buf[this.len++] = x;
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  number(x: number): void {
    const dv = new DataView(new ArrayBuffer(8));
    if (Number.isInteger(x) && x >= 0 && x < 256) this.op(0x4b, x); // BININT1
    else if (Number.isInteger(x) && x >= 0 && x < 65536) this.op(0x4d, x & 0xff, x >> 8); // BININT2
    else if (Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31) {
      dv.setInt32(0, x, true);
      this.op(0x4a);
      this.raw(new Uint8Array(dv.buffer, 0, 4)); // BININT
    } else if (Number.isSafeInteger(x)) {
      dv.setBigInt64(0, BigInt(x), true);
      this.op(0x8a, 8);
      this.raw(new Uint8Array(dv.buffer)); // LONG1, 8 bytes two's complement
    } else {
      dv.setFloat64(0, x, false);
      this.op(0x47);
      this.raw(new Uint8Array(dv.buffer)); // BINFLOAT, big-endian
    }
  }

  string(s: string): void {
    const b = new TextEncoder().encode(s);
    const dv = new DataView(new ArrayBuffer(4));
    dv.setUint32(0, b.length, true);
    this.op(0x58); // BINUNICODE
    this.raw(new Uint8Array(dv.buffer));
    this.raw(b);
  }

  tuple(items: number[]): void {
    if (items.length === 0) return this.op(0x29);
    if (items.length <= 3) {
      for (const x of items) this.number(x);
      return this.op(0x84 + items.length); // TUPLE1..TUPLE3
    }
    this.op(0x28);
    for (const x of items) this.number(x);
    this.op(0x74);
  }

  global(module: string, name: string): void {
    this.op(0x63); // GLOBAL
    this.raw(new TextEncoder().encode(`${module}\n${name}\n`));
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
