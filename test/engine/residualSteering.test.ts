// The residual stream after each block (llama.cpp's `l_out-<il>`): what the recorder sums
// equals the reference forward's block outputs, and a vector added there by the hook equals
// both the reference forward with the same addition and llama.cpp's own control vector
// (llama_set_adapter_cvec). Contexts are exact (F32 KV cache, no flash attention).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResidualRecorder, type EngineModel, type ResidualEdit } from '../../src/engine/index.ts';
import { SeededRandom } from '../../src/gguf/seededRandom.ts';
import { referenceForward } from '../reference/llamaForward.ts';
import { referenceWeights } from './referenceModels.ts';
import { EXACT, SAMPLE_TEXT, flatten, loadTestModel, maxAbsDiff, testModel, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);
const N_LAYER = 4;
const { path, weights } = await testModel({ arch: 'llama', seed: 91, nLayer: N_LAYER });
const ref = referenceWeights(weights)!;
const model: EngineModel = await loadTestModel(path);
const E = model.facts.nEmbd;

function vectors(seed: number, layers: number[]): ResidualEdit[] {
  const rand = new SeededRandom(seed);
  return layers.map((layer) => ({ layer, vector: Float32Array.from({ length: E }, () => rand.normal()) }));
}

function logitsOf(hooks?: { residualEdits?: ResidualEdit[] }, cvec?: { data: Float32Array; from: number; to: number }): Float32Array {
  const ctx = model.createContext(EXACT);
  try {
    if (cvec) ctx.setControlVector(cvec.data, cvec.from, cvec.to);
    return ctx.evaluate(TOKENS, { hooks });
  } finally {
    ctx.dispose();
  }
}

test('the residual recorder sums the block outputs the reference forward computes, at every layer', () => {
  const expected = Array.from({ length: N_LAYER }, () => new Float64Array(E));
  referenceForward(ref, TOKENS, { residual: (layer, x) => x.forEach((v, i) => { expected[layer][i] += v; }) });
  const rec = new ResidualRecorder(N_LAYER, E);
  const ctx = model.createContext(EXACT);
  ctx.evaluate(TOKENS, { outputs: 'all', logits: false, hooks: { residualRecorder: rec } });
  ctx.dispose();
  for (let layer = 0; layer < N_LAYER; layer++) {
    assert.equal(rec.tokensPerLayer[layer], TOKENS.length, `layer ${layer} saw every position`);
    const mean = rec.mean(layer);
    const want = expected[layer].map((v) => v / TOKENS.length);
    const d = maxAbsDiff(mean, want);
    assert.ok(d <= 1e-4, `layer ${layer}: max diff ${d}`);
    // Negative control: the layers' means differ, so a mix-up of layers would show.
    if (layer > 0) assert.ok(maxAbsDiff(mean, rec.mean(layer - 1)) > 1e-2);
  }
});

test('a vector added by the hook equals the reference forward with that addition, and llama.cpp\'s control vector', (t) => {
  const edits = vectors(5, [1, 2]);
  const plain = logitsOf();
  const hooked = logitsOf({ residualEdits: edits });
  const expected = flatten(referenceForward(ref, TOKENS, {
    residual: (layer, x) => {
      for (const e of edits) if (e.layer === layer) for (let i = 0; i < E; i++) x[i] += e.vector[i];
    },
  }).logits);
  // llama.cpp's buffer starts at block 1: block il's vector is at (il - 1) * n_embd.
  const data = new Float32Array(E * (N_LAYER - 1));
  for (const e of edits) data.set(e.vector, (e.layer - 1) * E);
  const native = logitsOf(undefined, { data, from: 1, to: N_LAYER - 1 });
  const dRef = maxAbsDiff(hooked, expected);
  const dNative = maxAbsDiff(hooked, native);
  t.diagnostic(`max |Δ logit| hook vs reference ${dRef.toExponential(2)}, hook vs control vector ${dNative.toExponential(2)}; the vectors move logits by ${maxAbsDiff(plain, hooked).toFixed(3)}`);
  assert.ok(dRef <= 1e-4, `hook vs reference: ${dRef}`);
  assert.ok(dNative <= 1e-4, `hook vs llama_set_adapter_cvec: ${dNative}`);
  assert.ok(maxAbsDiff(plain, native) > 1e-2, 'the control vector matters');
  // Negative control: the same vectors one block later are a different model.
  const shifted = edits.map((e) => ({ ...e, layer: e.layer + 1 }));
  assert.ok(maxAbsDiff(logitsOf({ residualEdits: shifted }), native) > 1e-2, 'the layer index convention is checked');
  // The layer range of the control vector is inclusive: [2, 2] is only block 2's vector.
  const only2 = logitsOf(undefined, { data, from: 2, to: 2 });
  assert.ok(maxAbsDiff(only2, logitsOf({ residualEdits: edits.filter((e) => e.layer === 2) })) <= 1e-4);
});

test('a cleared control vector gives the plain logits back; bad residual edits are refused', () => {
  const ctx = model.createContext(EXACT);
  try {
    const plain = ctx.evaluate(TOKENS);
    ctx.setControlVector(new Float32Array(E * (N_LAYER - 1)).fill(0.5));
    assert.ok(maxAbsDiff(ctx.evaluate(TOKENS), plain) > 1e-2);
    ctx.setControlVector(null);
    assert.equal(maxAbsDiff(ctx.evaluate(TOKENS), plain), 0);
    assert.throws(() => ctx.setControlVector(new Float32Array(E)), /has 64 x 3 values/);
    assert.throws(() => ctx.evaluate(TOKENS, { hooks: { residualEdits: [{ layer: 1, vector: new Float32Array(E - 1) }] } }), /n_embd is 64/);
    assert.throws(() => ctx.evaluate(TOKENS, { hooks: { residualEdits: [{ layer: N_LAYER, vector: new Float32Array(E) }] } }), /out of range/);
  } finally {
    ctx.dispose();
  }
});
