// LoRA export from quantized models: ffn_down in Q8_0, Q5_0 and Q4_K, written by llama.cpp's
// own llama_model_quantize, dequantized for the adapter by llama.cpp's own to_float. The
// adapter loaded by node-llama-cpp must give what the hook deactivation gives on the same
// quantized file. Rows of 256 values, so that the K-quants really are used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { quantizeModel, readModelFacts, readTensorFloat32, type QuantType } from '../../src/engine/index.ts';
import { float16BitsToFloat32 } from '../../src/gguf/float16.ts';
import { readGgufTensor, readGgufTensorBytes } from '../../src/gguf/readGgufTensor.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { exportLora } from '../../src/pipeline/exportLora.ts';
import { writeResults } from '../../src/pipeline/resultsFolder.ts';
import { fakeResults } from './fakeResults.ts';
import { hookLogProbs, llamaCppLogProbs, maxDiff } from './loraSupport.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-lora-q-'));
const f32 = join(dir, 'model.gguf');
await writeSyntheticModel(f32, { arch: 'llama', nLayer: 3, nEmbd: 256, nFf: 256, nHead: 4, nCtx: 256, seed: 11 });
// Language "xx" owns neurons in layers 0 and 2, none in layer 1.
const SETS = [[[3, 17, 64, 100, 200], [], [5, 6, 127, 255]], [[1], [2], [3]]];
const TOKENS = [1, 40, 75, 104, 111, 259, 200, 150, 90, 33, 47];
/**
 * Bounds on max |Δ log p| between LoRA and hook, over 11 positions × 260 tokens, where the
 * deactivation itself moves log p by ~0.8. Measured (single thread, CPU): F16 1.3e-4,
 * Q8_0 5.3e-2, Q5_0 5.8e-2, Q4_K 6.3e-2. The gap of the quantized files is not the
 * dequantization (an F16 file, whose activations stay F16, agrees to 1e-4, and Q8_0 values
 * equal an independent decode below): llama.cpp's CPU kernels round the activations to
 * 8 bits (Q8_0 / Q8_K blocks) before multiplying by quantized weights, so the base model
 * adds W[:, S]·round(x[S]) where the F32 adapter subtracts W[:, S]·x[S], and the hook's
 * zeros change the rounding of the blocks they sit in.
 */
type Case = Extract<QuantType, 'F16' | 'Q8_0' | 'Q5_0' | 'Q4_K_S'>;
const TOLERANCE: Record<Case, number> = { F16: 1e-3, Q8_0: 0.1, Q5_0: 0.1, Q4_K_S: 0.1 };

async function exportFor(model: string, name: string, language = 'xx'): Promise<string> {
  const resultsDir = join(dir, `results-${name}`);
  writeResults(resultsDir, fakeResults(await readModelFacts(model), ['xx', 'yy'], SETS));
  const [lora] = await exportLora(resultsDir, language, model);
  return lora;
}

const f32Lora = await exportFor(f32, 'f32');

/** ggml_type values (ggml.h) that ffn_down must have in each file. */
const CASES: [Case, string, number][] = [['F16', 'f16', 1], ['Q8_0', 'q8_0', 8], ['Q5_0', 'q5_0', 6], ['Q4_K_S', 'q4_K', 12]];

for (const [ftype, typeName, ggmlType] of CASES) {
  test(`${ftype}: a LoRA exported from the quantized file equals the hook deactivation on it`, async (t) => {
    const model = join(dir, `model-${ftype}.gguf`);
    await quantizeModel(f32, model, ftype, 1);
    const downTypes = (await readGgufFileInfo(model, { logWarnings: false })).tensorInfo!.filter((x) => x.name.endsWith('ffn_down.weight')).map((x) => Number(x.ggmlType));
    assert.ok(downTypes.includes(ggmlType), `ffn_down types in the ${ftype} file: ${downTypes.join(', ')}`);
    assert.equal((await readTensorFloat32(model, 'blk.0.ffn_down.weight')).typeName, typeName);

    const lora = await exportFor(model, ftype);
    const { hooked, plain, nVocab } = await hookLogProbs(model, TOKENS, SETS[0]);
    const d = maxDiff(llamaCppLogProbs(model, lora, TOKENS, nVocab), hooked);
    const effect = maxDiff(hooked, plain);
    // Negative controls: the adapter of the other language's neurons, and the one made
    // from the F32 weights (which cancels other values than the ones this file holds).
    const otherNeurons = maxDiff(llamaCppLogProbs(model, await exportFor(model, `${ftype}-yy`, 'yy'), TOKENS, nVocab), hooked);
    const fromF32 = maxDiff(llamaCppLogProbs(model, f32Lora, TOKENS, nVocab), hooked);
    t.diagnostic(`${ftype}: max |Δ log p| LoRA vs hook ${d.toExponential(2)} (the deactivation itself moves log p by ${effect.toExponential(2)}); F32-made LoRA vs hook ${fromF32.toExponential(2)}; other language's LoRA vs hook ${otherNeurons.toExponential(2)}`);
    assert.ok(effect > 0.3, 'the deactivation changes the output, so the comparison can fail');
    assert.ok(d <= TOLERANCE[ftype], `LoRA vs hook max |Δ log p| = ${d}, above ${TOLERANCE[ftype]}`);
    assert.ok(otherNeurons > 4 * TOLERANCE[ftype], `the wrong neurons' adapter is told apart (${otherNeurons})`);
  });
}

test('Q8_0 dequantized by llama.cpp equals an independent decode of its blocks (f16 scale × int8)', async () => {
  const model = join(dir, 'model-Q8_0-ref.gguf');
  await quantizeModel(f32, model, 'Q8_0', 1);
  const name = 'blk.1.ffn_down.weight';
  const { bytes, shape, type } = await readGgufTensorBytes(model, name, (_ty, n) => (n / 32) * 34);
  assert.equal(type, 8);
  const n = shape[0] * shape[1];
  const ref = new Float32Array(n);
  for (let b = 0; b < n / 32; b++) {
    const scale = float16BitsToFloat32(bytes.readUInt16LE(b * 34));
    for (let i = 0; i < 32; i++) ref[b * 32 + i] = scale * bytes.readInt8(b * 34 + 2 + i);
  }
  const got = await readTensorFloat32(model, name);
  assert.deepEqual(got.shape, shape);
  assert.deepEqual(got.data, ref);
  // And F32 reads as stored.
  assert.deepEqual((await readTensorFloat32(f32, name)).data, (await readGgufTensor(f32, name)).data);
});
