// Observed per-neuron counts and sums against an independent computation, for every synthetic
// architecture, the last layer included.
//
// llama, qwen2, qwen3, gemma, gemma3 and phi3 (split into the qwen2 graph it amounts to, see
// referenceModels.ts) are checked against the TypeScript reference forward: count = tokens with
// pre-activation > 0, exactly; sum = sum of act_fn(pre) within the WASM kernel's precision.
// bloom has no reference, so bloom and phi3 also run on weights whose pre-activation signs are
// known by construction (zero rows with known biases, and pairs of negated rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivationRecorder, type EngineModel } from '../../src/engine/index.ts';
import { activationFunction } from '../../src/engine/architectures.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { referenceForward } from '../reference/llamaForward.ts';
import { KNOWN, KNOWN_BIAS, PAIR_SHIFT, referenceWeights, signKnownWeights } from './referenceModels.ts';
import { EXACT, SAMPLE_TEXT, countsFromPre, loadTestModel, sumsFromPre, testModel, testModelFrom, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);
const T = TOKENS.length;
const N_LAYER = 3;

/** Three batches of 64, so counts add up across llama_decode calls as a long corpus does. */
function observe(model: EngineModel, exact = true, outputs: 'all' | 'last' = 'all'): ActivationRecorder {
  const ctx = model.createContext({ ...EXACT, exact, batchSize: 64 });
  try {
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(TOKENS, { hooks: { recorder: rec }, outputs, logits: false });
    return rec;
  } finally {
    ctx.dispose();
  }
}

/** Largest |Δ sum| relative to the scale of the sums (the mean |act| times the tokens). */
function sumError(actual: Float64Array, expected: Float64Array): number {
  let d = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    d = Math.max(d, Math.abs(actual[i] - expected[i]));
    scale += Math.abs(expected[i]);
  }
  return d / Math.max(scale / expected.length, 1e-12);
}

for (const arch of SYNTHETIC_ARCHS.filter((a) => a !== 'bloom')) {
  test(`${arch}: counts equal the reference's (pre > 0) in every layer, the last one included`, async (t) => {
    const { path, weights } = await testModel({ arch, nLayer: N_LAYER, seed: 31 });
    const ref = referenceForward(referenceWeights(weights)!, TOKENS);
    const model = await loadTestModel(path);
    const rec = observe(model);
    const nFf = model.nFf;
    assert.deepEqual([...rec.tokensPerLayer], new Array(N_LAYER).fill(T));
    const expected = countsFromPre(ref.gatePre, nFf);
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (rec.overZero[i] !== expected[i]) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} of ${expected.length} neuron counts differ`);
    // The counts are informative: neither all zero nor all T.
    const share = expected.reduce((a, b) => a + b, 0) / (expected.length * T);
    assert.ok(share > 0.3 && share < 0.7, `active share ${share}`);

    const err = sumError(rec.sumAct, sumsFromPre(ref.gatePre, nFf, activationFunction(model.facts.ffn.activation)));
    t.diagnostic(`${arch}: ${expected.length} counts equal; max |Δ sumAct| = ${err.toExponential(2)} of the mean |sum|`);
    assert.ok(err < 1e-4, `sumAct error ${err}`);
  });
}

test('negative control: with an output at the last position only, the last layer sees one token', async () => {
  const { path, weights } = await testModel({ arch: 'llama', nLayer: N_LAYER, seed: 31 });
  const model = await loadTestModel(path);
  const rec = observe(model, true, 'last');
  // llama.cpp drops the rows without an output before the last layer's FFN: the reason the
  // engine asks for an output at every position when it counts.
  assert.deepEqual([...rec.tokensPerLayer], [T, T, 1]);
  const expected = countsFromPre(referenceForward(weights, TOKENS).gatePre, model.nFf);
  const last = (a: Float64Array) => [...a.subarray(2 * model.nFf)];
  assert.notDeepEqual(last(rec.overZero), last(expected));
});

test('negative control: gemma3 counts need the sliding window and the global layer', async (t) => {
  const { path, weights } = await testModel({ arch: 'gemma3', nLayer: N_LAYER, seed: 31 });
  const model = await loadTestModel(path);
  const rec = observe(model);
  const swa = weights.hparams.swa!;
  assert.ok(T > 2 * swa.window && N_LAYER > swa.period - 1, 'the window cuts the context and one layer is global');
  for (const [what, change] of [['no window', { window: Infinity }], ['no global layer', { period: Infinity }]] as const) {
    const wrong = referenceForward({ ...weights, hparams: { ...weights.hparams, swa: { ...swa, ...change } } }, TOKENS);
    const expected = countsFromPre(wrong.gatePre, model.nFf);
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (rec.overZero[i] !== expected[i]) mismatches++;
    t.diagnostic(`gemma3, ${what}: ${mismatches} of ${expected.length} counts differ`);
    assert.ok(mismatches > 0, `${what}: the counts would not have told`);
  }
});

for (const arch of ['phi3', 'bloom'] as const) {
  test(`${arch}: counts follow pre-activation signs known by construction (F32 and F16 files, exact and default contexts)`, async (t) => {
    const base = await testModel({ arch, nLayer: N_LAYER, seed: 32 });
    const signs = signKnownWeights(base.weights);
    const model = await loadTestModel((await testModelFrom(`${arch}-signs`, signs)).path);
    // Negating an F16 weight is exact too, so the rules hold for the F16 file as well.
    const f16 = await loadTestModel((await testModelFrom(`${arch}-signs`, signs, { dtype: 'f16' })).path);
    const nFf = model.nFf;
    const gelu = activationFunction('gelu');
    const exact = observe(model, true);
    const fast = observe(model, false);
    for (const rec of [exact, fast, observe(f16, false)]) {
      assert.deepEqual([...rec.tokensPerLayer], new Array(N_LAYER).fill(T));
      for (let l = 0; l < N_LAYER; l++) {
        const at = (j: number) => l * nFf + j;
        for (const j of KNOWN.fixed) {
          assert.equal(rec.overZero[at(j)], arch === 'bloom' ? T : 0, `layer ${l} fixed neuron ${j}`);
          const sum = arch === 'bloom' ? T * gelu(KNOWN_BIAS) : 0;
          assert.ok(Math.abs(rec.sumAct[at(j)] - sum) <= 1e-4 * Math.max(1, sum), `layer ${l} neuron ${j} sum ${rec.sumAct[at(j)]} vs ${sum}`);
        }
        for (const j of [...KNOWN.negative, ...KNOWN.zero]) assert.equal(rec.overZero[at(j)], 0, `layer ${l} neuron ${j}`);
        for (const j of KNOWN.zero) assert.equal(rec.sumAct[at(j)], 0);
        for (const j of KNOWN.pairs) {
          assert.equal(rec.overZero[at(j)] + rec.overZero[at(j + PAIR_SHIFT)], T, `layer ${l} pair ${j}`);
        }
      }
    }
    // The F16 KV cache and flash attention of a default context move pre-activations by ~1e-3,
    // which may flip a sign that sits right at zero; the counts still agree almost everywhere.
    let same = 0;
    for (let i = 0; i < exact.overZero.length; i++) if (Math.abs(exact.overZero[i] - fast.overZero[i]) <= 1) same++;
    const agreement = same / exact.overZero.length;
    t.diagnostic(`${arch}: exact vs default context, ${(100 * agreement).toFixed(2)}% of counts within 1`);
    assert.ok(agreement > 0.99);
  });
}

test('negative control: the sign-known rules fail on the same model without the constructed rows', async () => {
  const { path } = await testModel({ arch: 'phi3', nLayer: N_LAYER, seed: 32 });
  const rec = observe(await loadTestModel(path));
  const broken = KNOWN.pairs.filter((j) => rec.overZero[j] + rec.overZero[j + PAIR_SHIFT] !== T).length;
  assert.ok(broken > KNOWN.pairs.length / 2, `${broken} pairs broken`);
  assert.ok(KNOWN.zero.some((j) => rec.overZero[j] > 0));
});
