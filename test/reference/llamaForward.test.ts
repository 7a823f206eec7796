// The TypeScript reference forward against llama.cpp's own logits on the same F32 files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteTokenize, byteVocab } from '../../src/gguf/byteVocab.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { generateSyntheticWeights, type SyntheticWeights } from '../../src/gguf/syntheticWeights.ts';
import { llamaCppLogProbs, logSoftmax, maxAbsDiff, testLlama } from './llamaCpp.ts';
import { referenceForward, silu } from './llamaForward.ts';

const dir = await mkdtemp(join(tmpdir(), 'lape-ref-'));
test.after(() => rm(dir, { recursive: true, force: true }));

const vocab = byteVocab();
const TOKENS = [vocab.bosId, ...byteTokenize(vocab, 'Hi 世界, ça va?\n🎉 xin chào')];

async function llamaCppOn(path: string, tokens: number[]): Promise<Float64Array[]> {
  const model = await (await testLlama()).loadModel({ modelPath: path });
  try {
    return await llamaCppLogProbs(model, tokens);
  } finally {
    await model.dispose();
  }
}

const refLogProbs = (w: SyntheticWeights, tokens: number[], edit?: Parameters<typeof referenceForward>[2]) =>
  referenceForward(w, tokens, edit).logits.map(logSoftmax);

// The Gemmas' GELU goes through llama.cpp's F16 lookup table; the reference reproduces it, but
// an input within float32 rounding of an F16 boundary can still land on the other entry. Each
// such flip moves one act by an F16 step and reaches every later position through attention, so
// gemma3's 7 layers collect more of them than gemma's 3: measured 7.0e-4 here (seed 21) and
// 7.7e-4 with seed 5, against 3.4e-5 for gemma. A structural mistake costs more than 1e-2 (the
// negative control below).
const TOLERANCE = { llama: 1e-4, qwen2: 1e-4, qwen3: 1e-4, gemma: 5e-4, gemma3: 2e-3 } as const;

/**
 * gemma3 gets 7 layers, so that layer 5 is global under llama.cpp's default period of 6 and
 * layer 6 is a sliding one after it, a window of 8 (shorter than TOKENS), and heads wider than
 * nEmbd / nHead, as real Gemma 3 models have (key_length 256 with n_embd 640 and 4 heads).
 */
const GEMMA3_SHAPE = { nLayer: 7, headDim: 32, slidingWindow: 8 } as const;

for (const arch of ['llama', 'qwen2', 'qwen3', 'gemma', 'gemma3'] as const) {
  test(`${arch}: reference log-probs match llama.cpp at every position`, async (t) => {
    const path = join(dir, `${arch}.gguf`);
    const shape = arch === 'gemma3' ? GEMMA3_SHAPE : { nLayer: 3 };
    const w = await writeSyntheticModel(path, { arch, nEmbd: 64, nFf: 128, nHead: 4, nHeadKv: 2, seed: 21, ...shape });
    const diff = maxAbsDiff(refLogProbs(w, TOKENS), await llamaCppOn(path, TOKENS));
    t.diagnostic(`${arch}: max |Δ log p| = ${diff.toExponential(2)} over ${TOKENS.length} positions`);
    assert.ok(diff < TOLERANCE[arch], `max |Δ log p| = ${diff}`);
  });
}

test('gemma3: the comparison is sensitive to the window, the local RoPE base and the post norms', async (t) => {
  assert.ok(TOKENS.length > 2 * GEMMA3_SHAPE.slidingWindow, 'the window cuts the context');
  const path = join(dir, 'gemma3-neg.gguf');
  const w = await writeSyntheticModel(path, { arch: 'gemma3', nEmbd: 64, nFf: 128, nHead: 4, nHeadKv: 2, seed: 22, ...GEMMA3_SHAPE });
  const actual = await llamaCppOn(path, TOKENS);
  assert.ok(maxAbsDiff(refLogProbs(w, TOKENS), actual) < TOLERANCE.gemma3);
  const swa = w.hparams.swa!;
  const variants: [string, SyntheticWeights][] = [
    ['no window', { ...w, hparams: { ...w.hparams, swa: { ...swa, window: Infinity } } }],
    ['every layer sliding', { ...w, hparams: { ...w.hparams, swa: { ...swa, period: Infinity } } }],
    ['one RoPE base', { ...w, hparams: { ...w.hparams, swa: { ...swa, ropeFreqBase: w.hparams.ropeFreqBase } } }],
    ['no post norms', { ...w, tensors: new Map([...w.tensors].map(([k, v]) => [k, /post_(attention|ffw)_norm/.test(k) ? { ...v, data: v.data.map(() => 1) } : v])) }],
  ];
  for (const [what, wrong] of variants) {
    const diff = maxAbsDiff(refLogProbs(wrong, TOKENS), actual);
    t.diagnostic(`${what}: max |Δ log p| = ${diff.toFixed(3)}`);
    assert.ok(diff > 1e-2, what);
  }
});

test('the comparison is sensitive: the wrong RoPE layout or a missing bias is caught', async () => {
  const path = join(dir, 'qwen2-neg.gguf');
  const w = await writeSyntheticModel(path, { arch: 'qwen2', nLayer: 2, nHeadKv: 2, seed: 4 });
  const actual = await llamaCppOn(path, TOKENS);
  // qwen2 uses NEOX RoPE; evaluating the same weights as llama (NORM RoPE) must disagree.
  const asLlama: SyntheticWeights = { ...w, hparams: { ...w.hparams, arch: 'llama' } };
  const tensors = new Map(w.tensors);
  for (const name of [...tensors.keys()]) if (name.endsWith('.bias')) tensors.delete(name);
  assert.ok(maxAbsDiff(refLogProbs({ ...asLlama, tensors }, TOKENS), actual) > 1e-2);
  assert.ok(maxAbsDiff(refLogProbs({ ...w, tensors }, TOKENS), actual) > 1e-2, 'dropping q/k/v biases');
  assert.ok(maxAbsDiff(refLogProbs(w, TOKENS), actual) < 1e-4);
});

test('gate pre-activations are O(1) and about half positive', () => {
  const w = generateSyntheticWeights({ arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 256, seed: 8 });
  const { gatePre } = referenceForward(w, TOKENS);
  assert.equal(gatePre.length, 3);
  for (const layer of gatePre) {
    assert.equal(layer.length, TOKENS.length);
    let pos = 0, n = 0, ss = 0;
    for (const g of layer) {
      assert.equal(g.length, 256);
      for (const v of g) { n++; ss += v * v; if (v > 0) pos++; }
    }
    assert.ok(pos / n > 0.35 && pos / n < 0.65, `positive share ${pos / n}`);
    const rms = Math.sqrt(ss / n);
    assert.ok(rms > 0.3 && rms < 3, `rms ${rms}`);
  }
});

test('the edit hook sees act_fn(gate) and up before they are multiplied', () => {
  const w = generateSyntheticWeights({ arch: 'qwen3', nLayer: 2, seed: 3 });
  const base = referenceForward(w, TOKENS);
  const calls: string[] = [];
  const same = referenceForward(w, TOKENS, {
    edit: (layer, act, up, token) => {
      calls.push(`${layer}:${token}`);
      assert.equal(act.length, w.hparams.nFf);
      assert.equal(up.length, w.hparams.nFf);
      const g = base.gatePre[layer][token];
      for (let j = 0; j < act.length; j++) assert.ok(Math.abs(act[j] - silu(g[j])) < 1e-6);
    },
  });
  assert.equal(calls.length, 2 * TOKENS.length);
  assert.deepEqual(same.logits, base.logits, 'a hook that changes nothing changes nothing');
  const doubled = referenceForward(w, TOKENS, { edit: (_l, act) => act.forEach((v, j) => (act[j] = 2 * v)) });
  assert.ok(maxAbsDiff(doubled.logits, base.logits) > 1e-2, 'scaling act moves the logits');
});

test('zeroing act in the hook equals zeroed ffn_down columns, in the reference and in llama.cpp', async () => {
  const weights = generateSyntheticWeights({ arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 128, nHeadKv: 2, seed: 13 });
  const targets = [
    { layer: 0, neurons: [1, 5, 9, 40, 77, 127] },
    { layer: 2, neurons: Array.from({ length: 32 }, (_, i) => 4 * i) },
  ];
  const path = join(dir, 'llama-zeroed.gguf');
  const zeroed = await writeSyntheticModel(path, { weights, zeroFfnDownColumns: targets });
  const hooked = referenceForward(weights, TOKENS, {
    edit: (layer, act) => {
      for (const t of targets) if (t.layer === layer) for (const j of t.neurons) act[j] = 0;
    },
  });
  const onDisk = referenceForward(zeroed, TOKENS);
  assert.ok(maxAbsDiff(hooked.logits, onDisk.logits) < 1e-9);
  assert.ok(maxAbsDiff(hooked.logits, referenceForward(weights, TOKENS).logits) > 1e-3, 'the edit matters');
  const diff = maxAbsDiff(hooked.logits.map(logSoftmax), await llamaCppOn(path, TOKENS));
  assert.ok(diff < 1e-4, `max |Δ log p| = ${diff}`);
});
