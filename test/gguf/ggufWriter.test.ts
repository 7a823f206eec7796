import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { GgufWriter } from '../../src/gguf/ggufWriter.ts';
import { GgufValueType } from '../../src/gguf/ggufTypes.ts';
import { float16BitsToFloat32, roundToFloat16 } from '../../src/gguf/float16.ts';
import { readGgufKvTypes } from './readGgufKvTypes.ts';

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lape-gguf-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ramp = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

test('metadata of every type and F32/F16 tensors read back through node-llama-cpp', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'all.gguf');
    const a = ramp(15, (i) => i * 0.25 - 1);
    const b = ramp(7, (i) => Math.sin(i) * 3);
    const c = ramp(16, (i) => -i);
    const w = new GgufWriter()
      .setString('general.architecture', 'llama')
      .set('t.u8', { type: 'uint8', value: 200 })
      .set('t.i8', { type: 'int8', value: -100 })
      .set('t.u16', { type: 'uint16', value: 60000 })
      .set('t.i16', { type: 'int16', value: -30000 })
      .setUint32('t.u32', 4000000000)
      .set('t.i32', { type: 'int32', value: -2000000000 })
      .setFloat32('t.f32', 1e-6)
      .setBool('t.bool', true)
      .setString('t.str', 'héllo ▁ 世界 🎉')
      .set('t.u64', { type: 'uint64', value: 2n ** 40n + 1n })
      .set('t.i64', { type: 'int64', value: -(2n ** 40n) })
      .set('t.f64', { type: 'float64', value: Math.PI })
      .set('t.astr', { type: 'array', itemType: 'string', value: ['a', '', '<0x0A>', '▁'] })
      .set('t.af32', { type: 'array', itemType: 'float32', value: Float32Array.from([0.5, -1.5]) })
      .set('t.ai32', { type: 'array', itemType: 'int32', value: Int32Array.from([1, -6, 3]) })
      .set('t.aempty', { type: 'array', itemType: 'string', value: [] })
      .addTensor({ name: 'a', shape: [5, 3], type: 'f32', data: a })
      .addTensor({ name: 'b', shape: [7], type: 'f16', data: b })
      .addTensor({ name: 'c', shape: [4, 2, 2], type: 'f32', data: c });
    await w.write(path);

    const info = await readGgufFileInfo(path, { logWarnings: false });
    assert.equal(info.version, 3);
    assert.equal(Number(info.tensorCount), 3);
    const m = info.metadata as unknown as Record<string, Record<string, unknown>>;
    assert.equal(m.general.alignment, 32);
    assert.deepEqual(
      { u8: m.t.u8, i8: m.t.i8, u16: m.t.u16, i16: m.t.i16, u32: m.t.u32, i32: m.t.i32, bool: m.t.bool, str: m.t.str },
      { u8: 200, i8: -100, u16: 60000, i16: -30000, u32: 4000000000, i32: -2000000000, bool: true, str: 'héllo ▁ 世界 🎉' },
    );
    assert.equal(m.t.f32, Math.fround(1e-6));
    assert.equal(BigInt(m.t.u64 as bigint), 2n ** 40n + 1n);
    assert.equal(BigInt(m.t.i64 as bigint), -(2n ** 40n));
    assert.equal(m.t.f64, Math.PI);
    assert.deepEqual(m.t.astr, ['a', '', '<0x0A>', '▁']);
    assert.deepEqual(m.t.af32, [0.5, -1.5]);
    assert.deepEqual(m.t.ai32, [1, -6, 3]);
    assert.deepEqual(m.t.aempty, []);

    const types = readGgufKvTypes(path);
    assert.deepEqual(types.get('general.alignment'), { type: GgufValueType.uint32 });
    assert.deepEqual(types.get('t.i16'), { type: GgufValueType.int16 });
    assert.deepEqual(types.get('t.u64'), { type: GgufValueType.uint64 });
    assert.deepEqual(types.get('t.af32'), { type: GgufValueType.array, itemType: GgufValueType.float32 });
    assert.deepEqual(types.get('t.ai32'), { type: GgufValueType.array, itemType: GgufValueType.int32 });

    const tensors = info.tensorInfo ?? [];
    assert.deepEqual(tensors.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType, Number(t.offset)]), [
      ['a', [5, 3], 0, 0],
      ['b', [7], 1, 64], // 60 bytes padded to 64
      ['c', [4, 2, 2], 0, 96], // 14 bytes padded to 32
    ]);
    assert.equal(Number(info.infoEndOffset) % 32, 0);
    const file = await readFile(path);
    const at = (name: string) => Number(tensors.find((t) => t.name === name)!.fileOffset);
    for (const t of tensors) assert.equal(Number(t.fileOffset) % 32, 0, `${t.name} is aligned`);
    assert.deepEqual(ramp(15, (i) => file.readFloatLE(at('a') + 4 * i)), a);
    assert.deepEqual(ramp(7, (i) => float16BitsToFloat32(file.readUInt16LE(at('b') + 2 * i))), roundToFloat16(b));
    assert.deepEqual(ramp(16, (i) => file.readFloatLE(at('c') + 4 * i)), c);
    // The last tensor is padded too: gguf.cpp reads the whole padded data section.
    assert.equal((await stat(path)).size, at('c') + 64);
  });
});

test('a custom alignment is honoured and recorded', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'align.gguf');
    await new GgufWriter({ alignment: 64 })
      .addTensor({ name: 'x', shape: [3], type: 'f32', data: Float32Array.from([1, 2, 3]) })
      .addTensor({ name: 'y', shape: [2], type: 'f16', data: Float32Array.from([1, 2]) })
      .write(path);
    const info = await readGgufFileInfo(path, { logWarnings: false });
    assert.equal((info.metadata as unknown as { general: { alignment: number } }).general.alignment, 64);
    assert.deepEqual(info.tensorInfo!.map((t) => Number(t.offset)), [0, 64]);
    assert.equal(Number(info.tensorInfo![1].fileOffset) % 64, 0);
  });
});

test('invalid input is rejected with a clear error', async () => {
  assert.throws(() => new GgufWriter({ alignment: 24 }), /power of two/);
  const w = new GgufWriter();
  assert.throws(() => w.setUint32('general.alignment', 16), /GgufWriterOptions/);
  w.addTensor({ name: 'x', shape: [2], type: 'f32', data: new Float32Array(2) });
  assert.throws(() => w.addTensor({ name: 'x', shape: [2], type: 'f32', data: new Float32Array(2) }), /duplicate/);
  assert.throws(() => w.addTensor({ name: 'y', shape: [2, 2], type: 'f32', data: new Float32Array(3) }), /needs 4/);
  assert.throws(() => w.addTensor({ name: 'z'.repeat(64), shape: [1], type: 'f32', data: new Float32Array(1) }), /1\.\.63 bytes/);
  assert.throws(() => w.addTensor({ name: 'w', shape: [1, 1, 1, 1, 1], type: 'f32', data: new Float32Array(1) }), /1\.\.4/);
  await withTempDir(async (dir) => {
    const bad = new GgufWriter().setUint32('k', -1);
    await assert.rejects(bad.write(join(dir, 'bad.gguf')), /out of range/);
    const frac = new GgufWriter().set('k', { type: 'int32', value: 1.5 });
    await assert.rejects(frac.write(join(dir, 'frac.gguf')), /out of range/);
    // A failed or aborted write leaves nothing behind, not even the temporary file.
    const aborted = new GgufWriter().addTensor({ name: 'x', shape: [1], type: 'f32', data: new Float32Array(1) });
    await assert.rejects(aborted.write(join(dir, 'aborted.gguf'), { signal: AbortSignal.abort() }));
    assert.deepEqual(await readdir(dir), []);
  });
});
