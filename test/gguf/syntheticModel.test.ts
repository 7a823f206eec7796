// File-level checks of the synthetic models; loading them in llama.cpp is in syntheticModelLlama.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { float16BitsToFloat32 } from '../../src/gguf/float16.ts';
import { GgufValueType } from '../../src/gguf/ggufTypes.ts';
import { archTensorSpecs, SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { generateSyntheticWeights } from '../../src/gguf/syntheticWeights.ts';
import { readGgufKvTypes } from './readGgufKvTypes.ts';

const dir = await mkdtemp(join(tmpdir(), 'lape-synth-'));
test.after(() => rm(dir, { recursive: true, force: true }));

async function readTensor(path: string, name: string): Promise<Float32Array> {
  const info = await readGgufFileInfo(path, { logWarnings: false });
  const t = info.tensorInfo!.find((x) => x.name === name)!;
  const n = t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
  const buf = await readFile(path);
  const off = Number(t.fileOffset);
  return Float32Array.from({ length: n }, (_, i) =>
    t.ggmlType === 0 ? buf.readFloatLE(off + 4 * i) : float16BitsToFloat32(buf.readUInt16LE(off + 2 * i)));
}

for (const arch of SYNTHETIC_ARCHS) {
  for (const dtype of ['f32', 'f16'] as const) {
    test(`${arch} ${dtype}: metadata, tensor infos and data match the returned weights`, async () => {
      const path = join(dir, `${arch}-${dtype}.gguf`);
      const w = await writeSyntheticModel(path, { arch, dtype, nLayer: 2, nEmbd: 32, nFf: 48, nHead: 4, nHeadKv: 2, seed: 3 });
      const h = w.hparams;
      const info = await readGgufFileInfo(path, { logWarnings: false });
      const m = info.metadata as unknown as Record<string, Record<string, unknown>>;
      assert.equal(m.general.architecture, arch);
      assert.equal(m.general.file_type, dtype === 'f32' ? 0 : 1);
      const a = info.architectureMetadata as Record<string, unknown>;
      assert.equal(a.block_count, 2);
      assert.equal(a.embedding_length, 32);
      assert.equal(a.feed_forward_length, 48);
      assert.equal(a.context_length, h.nCtx);
      const attention = a.attention as Record<string, unknown>;
      assert.equal(attention.head_count, 4);
      assert.equal(attention.head_count_kv, 2);
      const types = readGgufKvTypes(path);
      assert.deepEqual(types.get(`${arch}.block_count`), { type: GgufValueType.uint32 });
      const eps = arch === 'bloom' ? 'layer_norm_epsilon' : 'layer_norm_rms_epsilon';
      assert.deepEqual(types.get(`${arch}.attention.${eps}`), { type: GgufValueType.float32 });
      assert.equal(types.has(`${arch}.rope.dimension_count`), arch !== 'bloom');
      assert.deepEqual(types.get('tokenizer.ggml.token_type'), { type: GgufValueType.array, itemType: GgufValueType.int32 });
      assert.equal((m.tokenizer as { ggml: { tokens: string[] } }).ggml.tokens.length, h.nVocab);

      const specs = archTensorSpecs(h);
      const tensors = info.tensorInfo!;
      assert.deepEqual(tensors.map((t) => t.name), specs.map((s) => s.name));
      assert.deepEqual(tensors.map((t) => t.name), [...w.tensors.keys()]);
      for (const t of tensors) {
        const spec = specs.find((s) => s.name === t.name)!;
        assert.deepEqual(t.dimensions.map(Number), spec.shape, t.name);
        assert.equal(t.ggmlType, spec.shape.length > 1 && dtype === 'f16' ? 1 : 0, `${t.name} type`);
      }
      for (const name of ['token_embd.weight', 'blk.1.ffn_down.weight', 'output_norm.weight']) {
        assert.deepEqual(await readTensor(path, name), w.tensors.get(name)!.data, name);
      }
      assert.equal(w.tensors.has('output.weight'), !['gemma', 'gemma3', 'bloom'].includes(arch));
    });
  }
}

test('gemma3: head width, sliding window and RoPE keys as llama.cpp reads them, and the extra norms', async () => {
  const path = join(dir, 'gemma3-keys.gguf');
  const w = await writeSyntheticModel(path, { arch: 'gemma3', nLayer: 3, nEmbd: 64, nHead: 4, nHeadKv: 2, headDim: 32, slidingWindow: 5, seed: 3 });
  assert.deepEqual(w.hparams.swa, { window: 5, period: 6, ropeFreqBase: 10000 });
  const types = readGgufKvTypes(path);
  const a = (await readGgufFileInfo(path, { logWarnings: false })).architectureMetadata as Record<string, Record<string, unknown>>;
  assert.equal(a.attention.key_length, 32);
  assert.equal(a.attention.value_length, 32);
  assert.equal(a.attention.sliding_window, 5);
  assert.deepEqual(types.get('gemma3.attention.sliding_window'), { type: GgufValueType.uint32 });
  assert.equal(a.rope.freq_base, 1e6);
  // As in files from Google's converter: llama.cpp's defaults (period 6, local base 10000) apply.
  assert.equal(types.has('gemma3.attention.sliding_window_pattern'), false);
  assert.equal(types.has('gemma3.rope.freq_base_swa'), false);
  const shape = (name: string) => w.tensors.get(name)?.shape;
  assert.deepEqual(shape('blk.2.attn_q.weight'), [64, 128], 'nHead x headDim is wider than nEmbd');
  assert.deepEqual(shape('blk.2.attn_output.weight'), [128, 64]);
  assert.deepEqual(shape('blk.2.attn_q_norm.weight'), [32]);
  assert.deepEqual(shape('blk.2.attn_k_norm.weight'), [32]);
  assert.deepEqual(shape('blk.2.post_attention_norm.weight'), [64]);
  assert.deepEqual(shape('blk.2.post_ffw_norm.weight'), [64]);

  const period2 = join(dir, 'gemma3-period2.gguf');
  await writeSyntheticModel(period2, { arch: 'gemma3', swaPeriod: 2, seed: 3 });
  assert.deepEqual(readGgufKvTypes(period2).get('gemma3.attention.sliding_window_pattern'), { type: GgufValueType.uint32 });
  assert.throws(() => generateSyntheticWeights({ arch: 'llama', slidingWindow: 8 }), /for gemma3/);
  assert.throws(() => generateSyntheticWeights({ arch: 'qwen3', headDim: 32 }), /for gemma and gemma3/);
  assert.throws(() => generateSyntheticWeights({ arch: 'gemma3', slidingWindow: 0 }), /slidingWindow must be a positive integer/);
});

test('a seed always gives the same weights and different seeds differ', () => {
  const a = generateSyntheticWeights({ arch: 'qwen2', seed: 11 });
  const b = generateSyntheticWeights({ arch: 'qwen2', seed: 11 });
  const c = generateSyntheticWeights({ arch: 'qwen2', seed: 12 });
  for (const [name, t] of a.tensors) assert.deepEqual(b.tensors.get(name)!.data, t.data, name);
  assert.notDeepEqual(c.tensors.get('blk.0.ffn_gate.weight')!.data, a.tensors.get('blk.0.ffn_gate.weight')!.data);
});

test('matrices are scaled by 1/sqrt(fan-in) and weightScale', () => {
  const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  const w = generateSyntheticWeights({ arch: 'llama', nEmbd: 64, nFf: 256, seed: 5 });
  assert.ok(Math.abs(std(w.tensors.get('blk.0.ffn_gate.weight')!.data) * 8 - 1) < 0.05);
  assert.ok(Math.abs(std(w.tensors.get('blk.0.ffn_down.weight')!.data) * 16 - 1) < 0.05);
  const s = generateSyntheticWeights({ arch: 'llama', nEmbd: 64, nFf: 256, seed: 5, weightScale: 0.5 });
  assert.ok(Math.abs(std(s.tensors.get('blk.0.ffn_gate.weight')!.data) * 16 - 1) < 0.05);
});

test('zeroFfnDownColumns zeroes exactly those columns of shared weights', async () => {
  const weights = generateSyntheticWeights({ arch: 'llama', nLayer: 2, nEmbd: 32, nFf: 64, seed: 9 });
  const before = weights.tensors.get('blk.1.ffn_down.weight')!.data.slice();
  const path = join(dir, 'zeroed.gguf');
  const zeroed = [3, 17, 63];
  const w = await writeSyntheticModel(path, { weights, zeroFfnDownColumns: [{ layer: 1, neurons: zeroed }] });
  assert.deepEqual(weights.tensors.get('blk.1.ffn_down.weight')!.data, before, 'input weights are untouched');
  const disk = await readTensor(path, 'blk.1.ffn_down.weight');
  assert.deepEqual(disk, w.tensors.get('blk.1.ffn_down.weight')!.data);
  for (let e = 0; e < 32; e++) {
    for (let j = 0; j < 64; j++) {
      assert.equal(disk[e * 64 + j], zeroed.includes(j) ? 0 : before[e * 64 + j], `row ${e} column ${j}`);
    }
  }
  assert.deepEqual(await readTensor(path, 'blk.0.ffn_down.weight'), weights.tensors.get('blk.0.ffn_down.weight')!.data);
});

test('F16 files return the rounded weights and reuse the same draw', async () => {
  const weights = generateSyntheticWeights({ arch: 'gemma', seed: 2 });
  const w = await writeSyntheticModel(join(dir, 'g16.gguf'), { weights, dtype: 'f16' });
  const orig = weights.tensors.get('blk.0.ffn_up.weight')!.data;
  const half = w.tensors.get('blk.0.ffn_up.weight')!.data;
  assert.notDeepEqual(half, orig);
  for (let i = 0; i < orig.length; i++) assert.ok(Math.abs(half[i] - orig[i]) <= Math.abs(orig[i]) * 2 ** -11 + 2 ** -25);
  assert.equal(w.tensors.get('blk.0.ffn_norm.weight')!.data, weights.tensors.get('blk.0.ffn_norm.weight')!.data, 'norms stay F32');
});

test('inconsistent options are refused', async () => {
  const weights = generateSyntheticWeights({ arch: 'llama', nLayer: 2 });
  const p = join(dir, 'never.gguf');
  await assert.rejects(writeSyntheticModel(p, { weights, nLayer: 3 }), /nLayer 3 disagrees/);
  await assert.rejects(writeSyntheticModel(p, { weights, seed: 4 }), /seed/);
  await assert.rejects(writeSyntheticModel(p, { weights, zeroFfnDownColumns: [{ layer: 0, neurons: [128] }] }), /out of range/);
  await assert.rejects(writeSyntheticModel(p, { weights, zeroFfnDownColumns: [{ layer: 2, neurons: [0] }] }), /out of range/);
  await assert.rejects(writeSyntheticModel(p, { arch: 'phi3', name: 'my phi3 test' }), /endoftext/);
  await assert.rejects(writeSyntheticModel(p, {}), /arch/);
  assert.throws(() => generateSyntheticWeights({ arch: 'llama', nEmbd: 30, nHead: 4 }), /multiple of nHead/);
  assert.throws(() => generateSyntheticWeights({ arch: 'llama', nHead: 4, nHeadKv: 3 }), /multiple of nHeadKv/);
});
