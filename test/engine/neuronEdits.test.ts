// Neuron edits against models whose weights were changed on disk instead, and against the
// reference forward with the same edit. All contexts are exact (F32 KV cache, no flash
// attention), so llama.cpp and the float64 reference agree to ~1e-6.
//
// What each mode equals, for neuron j of a layer (act = act_fn(gate), out = act * up):
// - zero:    column j of ffn_down zeroed on disk (every architecture);
// - scale s: column j of ffn_down multiplied by s on disk (every architecture);
// - set c, add c: the reference forward with act[j] = c or act[j] += c (gated architectures);
//   for bloom, where out = act, add c is ffn_down.bias + c * column j, and set c is that with
//   column j zeroed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineModel, NeuronEdit } from '../../src/engine/index.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import type { SyntheticWeights } from '../../src/gguf/syntheticWeights.ts';
import { referenceForward } from '../reference/llamaForward.ts';
import { referenceWeights } from './referenceModels.ts';
import { EXACT, SAMPLE_TEXT, cloneWeights, flatten, loadTestModel, maxAbsDiff, testModel, testModelFrom, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);
/**
 * A power of two, so that scaling act and scaling the weights are both exact in float32 and the
 * two models compute bit-identical values. With 1.75 the last-bit differences move GELU inputs
 * across entries of llama.cpp's F16 GELU table, and the GEGLU archs and bloom differ by ~2e-4.
 */
const SCALE = 2;

/** Layer 0: a few scattered neurons; layer 1 (the last): a quarter of them. */
const TARGETS = [
  { layer: 0, neurons: [1, 5, 9, 40, 77, 127] },
  { layer: 1, neurons: Array.from({ length: 32 }, (_, i) => 4 * i + 2) },
];

function logitsOf(model: EngineModel, edits?: NeuronEdit[]): Float32Array {
  const ctx = model.createContext(EXACT);
  try {
    return ctx.evaluate(TOKENS, { hooks: edits ? { edits } : undefined });
  } finally {
    ctx.dispose();
  }
}

/** ffn_down is [n_ff, n_embd] in ggml order: n_embd rows of n_ff values, neuron j is column j. */
function editDown(w: SyntheticWeights, layer: number, f: (down: Float32Array, bias: Float32Array | undefined, nFf: number, nEmbd: number) => void): void {
  const { nFf, nEmbd } = w.hparams;
  f(w.tensors.get(`blk.${layer}.ffn_down.weight`)!.data, w.tensors.get(`blk.${layer}.ffn_down.bias`)?.data, nFf, nEmbd);
}

for (const arch of SYNTHETIC_ARCHS) {
  test(`${arch}: zeroing by the hook equals ffn_down columns zeroed on disk, and scaling equals scaled columns`, async (t) => {
    const { path, weights } = await testModel({ arch, seed: 51 });
    const zeroedFile = await testModel({ arch, seed: 51, zeroFfnDownColumns: TARGETS });
    const scaled = cloneWeights(weights);
    for (const { layer, neurons } of TARGETS) {
      editDown(scaled, layer, (down, _b, nFf, nEmbd) => {
        for (const j of neurons) for (let e = 0; e < nEmbd; e++) down[e * nFf + j] *= SCALE;
      });
    }
    const scaledFile = await testModelFrom(`${arch}-scaled-columns`, scaled);

    const model = await loadTestModel(path);
    const plain = logitsOf(model);
    const zeroHook = logitsOf(model, TARGETS.map((x) => ({ ...x, mode: 'zero' })));
    const zeroDisk = logitsOf(await loadTestModel(zeroedFile.path));
    const scaleHook = logitsOf(model, TARGETS.map((x) => ({ ...x, mode: 'scale', value: SCALE })));
    const scaleDisk = logitsOf(await loadTestModel(scaledFile.path));
    const dz = maxAbsDiff(zeroHook, zeroDisk);
    const ds = maxAbsDiff(scaleHook, scaleDisk);
    t.diagnostic(`${arch}: max |Δ logit| zero ${dz.toExponential(2)}, scale ${ds.toExponential(2)}; the edits move logits by ${maxAbsDiff(plain, zeroHook).toFixed(3)}`);
    assert.ok(dz <= 1e-4, `zero: ${dz}`);
    assert.ok(ds <= 1e-4, `scale: ${ds}`);
    // Negative control: the edits matter, so equality above is not vacuous.
    assert.ok(maxAbsDiff(plain, zeroDisk) > 1e-2);
    assert.ok(maxAbsDiff(plain, scaleDisk) > 1e-2);
  });
}

const TOLERANCE = { llama: 1e-4, qwen2: 1e-4, gemma: 5e-4, gemma3: 2e-3, phi3: 1e-4 } as const;

for (const arch of ['llama', 'qwen2', 'gemma', 'gemma3', 'phi3'] as const) {
  test(`${arch}: set, scale and add match the reference forward with the same edit`, async (t) => {
    const { path, weights } = await testModel({ arch, seed: 52 });
    const ref = referenceWeights(weights)!;
    const perNeuron = [0.9, -0.4, 1.3];
    const edits: NeuronEdit[] = [
      { layer: 0, neurons: [3, 7, 50], mode: 'set', value: perNeuron },
      { layer: 0, neurons: [60, 61, 62, 63], mode: 'add', value: 0.6 },
      { layer: 1, neurons: Array.from({ length: 20 }, (_, i) => 10 + i), mode: 'scale', value: 2.5 },
      { layer: 1, neurons: [100, 101], mode: 'add', value: -0.7 },
      // Two edits of one neuron apply in order: set, then scale.
      { layer: 1, neurons: [120], mode: 'set', value: 0.5 },
      { layer: 1, neurons: [120], mode: 'scale', value: 3 },
    ];
    const expected = referenceForward(ref, TOKENS, {
      edit: (layer, act) => {
        for (const e of edits) {
          if (e.layer !== layer) continue;
          Array.from(e.neurons).forEach((j, i) => {
            const v = typeof e.value === 'number' ? e.value : e.value![i];
            if (e.mode === 'set') act[j] = v;
            else if (e.mode === 'add') act[j] += v;
            else if (e.mode === 'scale') act[j] *= v;
            else act[j] = 0;
          });
        }
      },
    });
    const model = await loadTestModel(path);
    const d = maxAbsDiff(logitsOf(model, edits), flatten(expected.logits));
    const moved = maxAbsDiff(flatten(expected.logits), flatten(referenceForward(ref, TOKENS).logits));
    t.diagnostic(`${arch}: max |Δ logit| vs reference ${d.toExponential(2)}; the edits move logits by ${moved.toFixed(3)}`);
    // The Gemmas' GELU is llama.cpp's F16 table, which the reference reproduces up to inputs
    // within float32 rounding of a table boundary (see llamaForward.test.ts). gemma3's post-FFN
    // norm rescales each FFN output to unit RMS, which enlarges such a flip: without any edit,
    // this model's logits already differ from the reference by 6.2e-4 (gemma's by 2.0e-4).
    assert.ok(d <= TOLERANCE[arch], `max diff ${d}`);
    assert.ok(moved > 1e-2, 'the edits matter');
  });
}

test('bloom: add c equals ffn_down.bias + c * column j, and set c that with column j zeroed', async (t) => {
  const { path, weights } = await testModel({ arch: 'bloom', seed: 53 });
  const c = 0.8;
  const layer = 1;
  const neurons = [4, 30, 31, 90];
  const shifted = (zero: boolean) => {
    const w = cloneWeights(weights);
    editDown(w, layer, (down, bias, nFf, nEmbd) => {
      for (const j of neurons) {
        for (let e = 0; e < nEmbd; e++) {
          bias![e] += c * down[e * nFf + j];
          if (zero) down[e * nFf + j] = 0;
        }
      }
    });
    return w;
  };
  const model = await loadTestModel(path);
  const addDisk = logitsOf(await loadTestModel((await testModelFrom('bloom-add', shifted(false))).path));
  const setDisk = logitsOf(await loadTestModel((await testModelFrom('bloom-set', shifted(true))).path));
  const da = maxAbsDiff(logitsOf(model, [{ layer, neurons, mode: 'add', value: c }]), addDisk);
  const ds = maxAbsDiff(logitsOf(model, [{ layer, neurons, mode: 'set', value: c }]), setDisk);
  t.diagnostic(`bloom: max |Δ logit| add ${da.toExponential(2)}, set ${ds.toExponential(2)}`);
  assert.ok(da <= 1e-4 && ds <= 1e-4, `add ${da}, set ${ds}`);
  assert.ok(maxAbsDiff(addDisk, setDisk) > 1e-3, 'set and add differ');
});

for (const arch of SYNTHETIC_ARCHS) {
  test(`${arch}: zero, set 0 and scale 0 give bit-identical logits`, async () => {
    const model = await loadTestModel((await testModel({ arch, seed: 51 })).path);
    const zero = logitsOf(model, TARGETS.map((x) => ({ ...x, mode: 'zero' })));
    assert.equal(maxAbsDiff(zero, logitsOf(model, TARGETS.map((x) => ({ ...x, mode: 'set', value: 0 })))), 0);
    assert.equal(maxAbsDiff(zero, logitsOf(model, TARGETS.map((x) => ({ ...x, mode: 'scale', value: 0 })))), 0);
  });
}
