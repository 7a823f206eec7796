// Quantized copies written by llama.cpp's own llama_model_quantize load and count neurons
// nearly as the F32 model does. Rows of 256 values, so that Q4_K_M really uses the k-quants
// (narrower rows fall back to other types).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { ActivationRecorder, EngineError, quantizeModel, type EngineModel, type QuantType } from '../../src/engine/index.ts';
import { SAMPLE_TEXT, loadTestModel, tempPath, testModel, tokensOf } from './testModels.ts';

/** The ggml_type that each file type mostly uses (ggml.h). */
const GGML_TYPE: Record<string, number> = { Q8_0: 8, Q4_K_M: 12 };
const { path: f32 } = await testModel({ arch: 'llama', nEmbd: 256, nFf: 256, nHead: 4, seed: 81 });
const TOKENS = tokensOf(SAMPLE_TEXT + ' ' + SAMPLE_TEXT.split('').reverse().join(''));

function counts(model: EngineModel): ActivationRecorder {
  const ctx = model.createContext({ threads: 1 });
  try {
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(TOKENS, { hooks: { recorder: rec }, logits: false });
    return rec;
  } finally {
    ctx.dispose();
  }
}

/** Share of neurons whose count is within ±10% of the tokens of the reference count. */
function agreement(a: ActivationRecorder, b: ActivationRecorder): number {
  const tol = 0.1 * a.tokens;
  let ok = 0;
  for (let i = 0; i < a.overZero.length; i++) if (Math.abs(a.overZero[i] - b.overZero[i]) <= tol) ok++;
  return ok / a.overZero.length;
}

const reference = counts(await loadTestModel(f32));

for (const [type, minAgreement] of [['Q8_0', 0.99], ['Q4_K_M', 0.9]] as [QuantType, number][]) {
  test(`${type}: loads, and its counts are close to F32's`, async (t) => {
    const out = tempPath(`llama-${type}.gguf`);
    await quantizeModel(f32, out, type, 1);
    assert.ok((await stat(out)).size < (await stat(f32)).size / 3, 'the file is smaller');
    const types = new Set((await readGgufFileInfo(out, { logWarnings: false })).tensorInfo!.map((x) => x.ggmlType as number));
    assert.ok(types.has(GGML_TYPE[type]), `${type} tensors in the file: ${[...types].join(', ')}`);
    const model = await loadTestModel(out);
    assert.equal(model.facts.architecture, 'llama');
    const rec = counts(model);
    assert.deepEqual(rec.tokensPerLayer, reference.tokensPerLayer);
    let exact = 0;
    for (let i = 0; i < rec.overZero.length; i++) if (rec.overZero[i] === reference.overZero[i]) exact++;
    const share = agreement(reference, rec);
    t.diagnostic(`${type}: ${(100 * share).toFixed(1)}% of neurons within ±10% of ${TOKENS.length} tokens of F32's count, ${(100 * exact / rec.overZero.length).toFixed(1)}% identical`);
    assert.ok(share >= minAgreement, `agreement ${share}`);
  });
}

test('negative control: an unrelated model of the same shape agrees far less', async () => {
  const { path } = await testModel({ arch: 'llama', nEmbd: 256, nFf: 256, nHead: 4, seed: 82 });
  assert.ok(agreement(reference, counts(await loadTestModel(path))) < 0.8);
});

test('quantizing a file that does not exist gives load-failed naming it', async () => {
  const missing = tempPath('missing.gguf');
  await assert.rejects(quantizeModel(missing, tempPath('out.gguf'), 'Q8_0', 1), (err: unknown) => {
    assert.ok(err instanceof EngineError && err.code === 'load-failed');
    assert.ok(err.message.includes(missing), err.message);
    return true;
  });
});
