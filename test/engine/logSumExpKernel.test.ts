// The WebAssembly log-softmax kernel against the float64 formula (src/engine/logits.ts), on rows
// whose shapes and values stress it: lengths that are not a multiple of 4, a wide spread of
// values, -Infinity entries, one dominant logit, and non-finite rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogSumExpKernel } from '../../src/engine/kernel/LogSumExpKernel.ts';
import { logSoftmaxAt } from '../../src/engine/logits.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function matrix(rows: number, nVocab: number, value: (r: number, v: number) => number): Float32Array {
  const m = new Float32Array(rows * nVocab);
  for (let r = 0; r < rows; r++) for (let v = 0; v < nVocab; v++) m[r * nVocab + v] = value(r, v);
  return m;
}

test('log softmax at a token equals the float64 formula within 1e-6, for every vocabulary size and row', () => {
  const kernel = new LogSumExpKernel();
  const rand = rng(3);
  let worst = 0;
  for (const nVocab of [1, 2, 3, 4, 5, 7, 259, 1000, 32003, 262144]) {
    const rows = nVocab > 50000 ? 2 : 5;
    // Logits of real models span a few tens; row r scales the spread so the sum is dominated
    // by anything from one entry (r = 4: spread 80) to all of them (r = 0: spread 0.1).
    const spread = [0.1, 4, 15, 30, 80];
    const m = matrix(rows, nVocab, (r) => (rand() - 0.5) * spread[r] + 7);
    for (let r = 0; r < rows; r++) {
      for (const token of [0, nVocab - 1, Math.floor(rand() * nVocab)]) {
        const d = Math.abs(kernel.logSoftmaxAt(m, r, nVocab, token) - logSoftmaxAt(m, r, nVocab, token));
        worst = Math.max(worst, d);
      }
    }
  }
  assert.ok(worst <= 1e-6, `max |Δ| ${worst}`);
  assert.ok(worst > 0, 'the kernel is a different computation from the float64 formula, not a call of it');
});

test('-Infinity logits count as probability 0, a dominant logit gives ~0, and non-finite rows give NaN', () => {
  const kernel = new LogSumExpKernel();
  const nVocab = 10;
  const m = new Float32Array(nVocab).fill(-Infinity);
  m[3] = 2;
  m[8] = 2;
  assert.ok(Math.abs(kernel.logSoftmaxAt(m, 0, nVocab, 3) - Math.log(0.5)) < 1e-7);
  assert.equal(kernel.logSoftmaxAt(m, 0, nVocab, 0), -Infinity);
  const dominant = new Float32Array(nVocab).fill(-50);
  dominant[9] = 50; // the tail, outside the SIMD part
  assert.ok(Math.abs(kernel.logSoftmaxAt(dominant, 0, nVocab, 9)) < 1e-7);
  assert.ok(Math.abs(kernel.logSoftmaxAt(dominant, 0, nVocab, 1) - -100) < 1e-4);
  for (const bad of [NaN, Infinity]) {
    const row = new Float32Array(nVocab).fill(1);
    row[2] = bad;
    assert.ok(Number.isNaN(kernel.logSoftmaxAt(row, 0, nVocab, 5)), `a row holding ${bad}`);
    assert.ok(Number.isNaN(logSoftmaxAt(row, 0, nVocab, 5)), `the float64 formula agrees on ${bad}`);
  }
});

test('rows of different lengths in turn use the right length each time', () => {
  const kernel = new LogSumExpKernel();
  const rand = rng(9);
  for (const nVocab of [300000, 8, 12345, 8]) {
    const m = matrix(1, nVocab, () => rand() * 10);
    assert.ok(Math.abs(kernel.logSoftmaxAt(m, 0, nVocab, 1) - logSoftmaxAt(m, 0, nVocab, 1)) < 1e-6, `n ${nVocab}`);
  }
});
