// The WASM SIMD counting kernel against the plain JS loop it replaces: the same counts and
// sums within 1e-4 relative, on random data and through the engine, and the JS fallback for
// shapes the kernel does not take (n_ff not a multiple of 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivationRecorder, type EngineModel } from '../../src/engine/index.ts';
import type { Activation } from '../../src/engine/architectures.ts';
import { accumulateJs } from '../../src/engine/hooks/countKernel.ts';
import { WasmCountKernel } from '../../src/engine/hooks/kernel/WasmCountKernel.ts';
import { SeededRandom } from '../../src/gguf/seededRandom.ts';
import { referenceForward } from '../reference/llamaForward.ts';
import { EXACT, SAMPLE_TEXT, countsFromPre, loadTestModel, testModel, tokensOf } from './testModels.ts';

interface Shape {
  nTokens: number;
  rowStride: number;
  offset: number;
  nFf: number;
}

/** Normal values of standard deviation 3, with exact zeros and huge values sprinkled in. */
function randomPre(rng: SeededRandom, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    out[i] = u < 0.05 ? 0 : u < 0.07 ? (u < 0.06 ? -200 : 200) : 3 * rng.normal();
  }
  return out;
}

function bothWays(pre: Float32Array, s: Shape, activation: Activation, base = 0) {
  const size = base + s.nFf;
  const js = { cnt: new Float64Array(size), sum: new Float64Array(size) };
  accumulateJs(pre, s.nTokens, s.rowStride, s.offset, s.nFf, js.cnt, js.sum, base, activation);
  const kernel = new WasmCountKernel();
  const wasm = { cnt: new Float64Array(size), sum: new Float64Array(size) };
  // Two calls: the kernel's per-batch counters must be reset, and the totals must add up.
  for (let pass = 0; pass < 2; pass++) {
    kernel.preBuffer(pre.length, s.nFf).set(pre);
    kernel.accumulate(s.nTokens, s.rowStride, s.offset, wasm.cnt, wasm.sum, base, activation);
  }
  return { js, wasm };
}

function relSumError(js: Float64Array, wasm: Float64Array, factor = 1): number {
  let d = 0;
  for (let i = 0; i < js.length; i++) d = Math.max(d, Math.abs(wasm[i] - factor * js[i]) / Math.max(1, Math.abs(factor * js[i])));
  return d;
}

const SHAPES: Shape[] = [
  { nTokens: 97, rowStride: 128, offset: 0, nFf: 128 },
  { nTokens: 1, rowStride: 4, offset: 0, nFf: 4 },
  // phi3's fused rows: the gate is the first half of each row.
  { nTokens: 33, rowStride: 96, offset: 0, nFf: 48 },
  { nTokens: 5, rowStride: 24, offset: 8, nFf: 8 },
  { nTokens: 600, rowStride: 256, offset: 0, nFf: 256 },
];

for (const activation of ['silu', 'gelu'] as const) {
  test(`${activation}: the WASM kernel gives the JS loop's counts and sums (within 1e-4 relative)`, (t) => {
    const rng = new SeededRandom(5);
    let worst = 0;
    for (const s of SHAPES) {
      assert.ok(WasmCountKernel.supports(s.nFf, s.rowStride, s.offset));
      const pre = randomPre(rng, s.nTokens * s.rowStride);
      const { js, wasm } = bothWays(pre, s, activation, 3 * s.nFf);
      const twice = js.cnt.map((c) => 2 * c);
      assert.deepEqual(wasm.cnt, twice, `counts, ${JSON.stringify(s)}`);
      const err = relSumError(js.sum, wasm.sum, 2);
      worst = Math.max(worst, err);
      assert.ok(err < 1e-4, `sums ${err}, ${JSON.stringify(s)}`);
      assert.ok(wasm.cnt.subarray(0, 3 * s.nFf).every((v) => v === 0), 'nothing written below base');
    }
    t.diagnostic(`${activation}: max relative sum difference ${worst.toExponential(2)}`);
  });
}

test('a kernel with a wrong activation constant would be caught: silu and gelu sums differ', () => {
  const s = SHAPES[0];
  const pre = randomPre(new SeededRandom(9), s.nTokens * s.rowStride);
  const silu = bothWays(pre, s, 'silu');
  const gelu = bothWays(pre, s, 'gelu');
  assert.ok(relSumError(silu.js.sum, gelu.wasm.sum, 2) > 1e-2);
});

test('shapes the kernel cannot take are refused, so the dispatcher falls back to JS', () => {
  assert.equal(WasmCountKernel.supports(126, 126, 0), false);
  assert.equal(WasmCountKernel.supports(128, 130, 0), false);
  assert.equal(WasmCountKernel.supports(128, 256, 2), false);
  assert.equal(WasmCountKernel.supports(128, 256, 128), true);
});

function observe(model: EngineModel, kernel: 'wasm' | 'js'): ActivationRecorder {
  const ctx = model.createContext(EXACT);
  try {
    ctx.dispatcher.kernelKind = kernel;
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(tokensOf(SAMPLE_TEXT), { hooks: { recorder: rec }, logits: false });
    return rec;
  } finally {
    ctx.dispose();
  }
}

// n_ff 128 and gemma's 100 run the kernel; n_ff 126 and phi3's rows of 2 x 62 fall back to JS.
for (const [arch, nFf] of [['llama', 128], ['llama', 126], ['phi3', 62], ['gemma', 100]] as const) {
  test(`${arch} n_ff ${nFf}: the engine counts the same with kernelKind 'wasm' and 'js'`, async () => {
    const { path, weights } = await testModel({ arch, nFf, seed: 41 });
    const model = await loadTestModel(path);
    const wasm = observe(model, 'wasm');
    const js = observe(model, 'js');
    assert.deepEqual(wasm.overZero, js.overZero);
    assert.deepEqual(wasm.tokensPerLayer, js.tokensPerLayer);
    assert.ok(relSumError(js.sumAct, wasm.sumAct) < 1e-4);
    if (arch !== 'phi3') assert.deepEqual(js.overZero, countsFromPre(referenceForward(weights, tokensOf(SAMPLE_TEXT)).gatePre, nFf));
  });
}
