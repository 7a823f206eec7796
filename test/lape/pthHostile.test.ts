// Hostile .pth files: zip bombs and tensor views that lie about their storage. Each must be
// refused with a LapeError naming the file, without inflating or allocating what it claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, zipSync } from 'fflate';
import { encodeNeuronPth, parseNeuronPth } from '../../src/lape/formats/pth.ts';
import { readTorchArchive } from '../../src/lape/formats/readTorchArchive.ts';
import { LapeError } from '../../src/lape/lapeError.ts';

const isLapeError = (code: string, pattern: RegExp) => (e: unknown) => e instanceof LapeError && e.code === code && pattern.test(e.message);

/** A real neuron file with `entries` extra zip entries of `size` zero bytes each, deflated. */
function zipBomb(entries: number, size: number): Uint8Array {
  const files = unzipSync(encodeNeuronPth([[[1, 2, 3]]]));
  for (let i = 0; i < entries; i++) files[`archive/data/zeros${i}`] = new Uint8Array(size);
  return zipSync(files, { level: 9 });
}

test('a zip bomb is refused from its declared sizes, before it is inflated', () => {
  const bomb = zipBomb(6, 4 << 20); // 24 MiB of zeros in about 25 kB
  assert.ok(bomb.length < 100_000, `the bomb is small on disk (${bomb.length} bytes)`);
  assert.throws(
    () => readTorchArchive(bomb, 'bomb.pth', { maxBytes: 8 << 20 }),
    isLapeError('unsupported', /^bomb\.pth: the archive declares more than 8\.0 MiB of uncompressed data .*zip bomb/),
  );
  // Negative control: the same archive under a limit it fits is read (its extra entries ignored).
  assert.ok(Array.isArray(readTorchArchive(bomb, 'bomb.pth', { maxBytes: 32 << 20 })));
});

/** Patches the declared uncompressed size of the zip entry `name` in its local and central headers. */
function lieAboutSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const dv = new DataView(out.buffer);
  const nameBytes = new TextEncoder().encode(name);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = dv.getUint32(i, true);
    const [nameAt, sizeAt] = sig === 0x04034b50 ? [30, 22] : sig === 0x02014b50 ? [46, 24] : [-1, -1];
    if (nameAt < 0) continue;
    if (nameBytes.every((b, k) => out[i + nameAt + k] === b)) dv.setUint32(i + sizeAt, size, true);
  }
  return out;
}

test('an entry that inflates to more than it declares cannot grow past it, and is refused', () => {
  const honest = zipBomb(1, 1 << 20);
  const liar = lieAboutSize(honest, 'archive/data/zeros0', 1000);
  assert.throws(
    () => readTorchArchive(liar, 'liar.pth', { maxBytes: 64 << 10 }),
    isLapeError('corrupt', /^liar\.pth: zip entry "archive\/data\/zeros0" does not match its checksum/),
  );
});

/**
 * A one-tensor neuron file of `n` int64 indices whose pickled (size,) and (stride,) tuples are
 * replaced by the given pickle bytes, as a hostile writer would produce.
 */
function withView(n: number, size: number[], stride: number[]): Uint8Array {
  const files = unzipSync(encodeNeuronPth([[Array.from({ length: n }, (_, i) => i)]]));
  const pkl = files['archive/data.pkl'];
  // encodeTorchArchive writes (n,) as BININT1 n TUPLE1 and (1,) as BININT1 1 TUPLE1.
  const original = [0x4b, n, 0x85, 0x4b, 1, 0x85];
  const at = pkl.findIndex((_, i) => original.every((b, k) => pkl[i + k] === b));
  assert.ok(at > 0, 'found the size and stride tuples');
  const int = (x: number) => {
    const b = new Uint8Array(5);
    b[0] = 0x4a; // BININT, 4 bytes little-endian signed
    new DataView(b.buffer).setInt32(1, x, true);
    return [...b];
  };
  const tuple = (xs: number[]) => [0x28, ...xs.flatMap(int), 0x74]; // MARK ... TUPLE
  files['archive/data.pkl'] = Uint8Array.from([...pkl.subarray(0, at), ...tuple(size), ...tuple(stride), ...pkl.subarray(at + original.length)]);
  return zipSync(files, { level: 0 });
}

test('tensor views are checked against their storage, naming the file', () => {
  // Negative control: the patching itself keeps a valid file valid.
  assert.deepEqual(parseNeuronPth(withView(76, [76], [1]), 'ok.pth'), [[Array.from({ length: 76 }, (_, i) => i)]]);
  assert.deepEqual(parseNeuronPth(withView(76, [38], [2]), 'even.pth'), [[Array.from({ length: 38 }, (_, i) => 2 * i)]]);
  // 608 bytes of storage claiming 30 M elements through a stride of 0.
  assert.throws(() => parseNeuronPth(withView(76, [30_000_000], [0]), 'stride0.pth'), isLapeError('corrupt', /^stride0\.pth: tensor view .*size \[30000000\], stride \[0\].* stride 0 in dimension 0 repeats one element 30000000 times/));
  assert.throws(() => parseNeuronPth(withView(76, [-5], [1]), 'negative.pth'), isLapeError('corrupt', /^negative\.pth: .*size -5 in dimension 0/));
  assert.throws(() => parseNeuronPth(withView(76, [-3, 0], [1, 1]), 'negzero.pth'), isLapeError('corrupt', /^negzero\.pth: .*size -3 in dimension 0/));
  assert.throws(() => parseNeuronPth(withView(76, [10, 10], [1, 1]), 'overlap.pth'), isLapeError('corrupt', /^overlap\.pth: .*it claims 100 elements/));
  assert.throws(() => parseNeuronPth(withView(76, [2_000_000_000], [1]), 'huge.pth'), isLapeError('corrupt', /^huge\.pth: .*it claims 2000000000 elements/));
  assert.throws(() => parseNeuronPth(withView(76, [40], [2]), 'past.pth'), isLapeError('corrupt', /^past\.pth: .*it reaches element 78/));
});
