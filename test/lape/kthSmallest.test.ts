import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kthSmallest, pythonRound } from '../../src/lape/kthSmallest.ts';
import { rng } from './lapeTestSupport.ts';

test('kthSmallest equals the k-th element of a sorted copy (1-based), leaving the input alone', () => {
  const r = rng(42);
  const cases: Array<Float32Array | Float64Array> = [
    Float32Array.from({ length: 1000 }, () => r()),
    Float32Array.from({ length: 1000 }, () => Math.floor(r() * 5) / 5), // many duplicates
    Float32Array.from({ length: 500 }, () => 0),
    Float64Array.from({ length: 777 }, () => r() - 0.5),
    Float64Array.from({ length: 300 }, () => (r() < 0.3 ? Infinity : Math.floor(r() * 3))),
    Float32Array.from({ length: 200 }, () => r() - 0.5), // negative floats: not the radix path
    Float32Array.of(-0, 0, 0.5, -0), // -0 falls back too
  ];
  for (const values of cases) {
    const before = values.slice();
    const sorted = Array.from(values).sort((a, b) => a - b);
    for (const k of [1, 2, Math.floor(values.length / 2), values.length - 1, values.length]) {
      assert.equal(kthSmallest(values, k), sorted[k - 1], `k=${k}`);
    }
    assert.deepEqual(values, before);
  }
  assert.throws(() => kthSmallest(Float32Array.of(1, 2), 0), RangeError);
  assert.throws(() => kthSmallest(Float32Array.of(1, 2), 3), RangeError);
});

test('pythonRound rounds halves to even like Python 3', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001, 7, 0].map(pythonRound), [0, 2, 2, 4, 2, 3, 7, 0]);
  assert.equal(pythonRound(352256 * 0.01), 3523);
  assert.equal(pythonRound(50 * 0.05), 2); // 2.5 -> 2 (Math.round would give 3)
});
