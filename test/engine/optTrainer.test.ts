// llama.cpp's trainer through the engine: steps lower the loss on a repeated row, and
// changing the thread count between steps (the demo recipe does, as the machine's load
// changes) leaves the trained weights bit for bit as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptTrainer, type TrainingRow } from '../../src/engine/training/OptTrainer.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { SeededRandom } from '../../src/gguf/seededRandom.ts';

const dir = await mkdtemp(join(tmpdir(), 'lape-opt-'));
test.after(() => rm(dir, { recursive: true, force: true }));
const CTX = 256;
const model = join(dir, 'init.gguf');
await writeSyntheticModel(model, { arch: 'llama', dtype: 'f32', nLayer: 1, nEmbd: 32, nFf: 64, nHead: 2, nCtx: CTX, seed: 9 });

function rows(n: number, seed: number): TrainingRow[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    // A short repeating pattern, so that a few steps can learn it.
    const period = 5 + Math.floor(rng.next() * 5);
    const base = Array.from({ length: period }, () => 3 + Math.floor(rng.next() * 200));
    const seq = Int32Array.from({ length: CTX + 1 }, (_, i) => base[i % period]);
    return { tokens: seq.subarray(0, CTX), labels: seq.subarray(1) };
  });
}

async function train(threadsPerRow: number[], out: string): Promise<Float64Array> {
  const trainer = await OptTrainer.open(model, { contextSize: CTX, threads: threadsPerRow[0], adamw: { alpha: 3e-3 } });
  try {
    const data = rows(threadsPerRow.length, 4);
    const losses = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      trainer.setThreads(threadsPerRow[i]);
      losses[i] = trainer.trainRows([data[i]])[0];
    }
    trainer.save(out);
    return losses;
  } finally {
    trainer.dispose();
  }
}

test('changing threads between steps gives the same weights as a fixed thread count', async () => {
  const fixed = join(dir, 'fixed.gguf');
  const switched = join(dir, 'switched.gguf');
  const a = await train([2, 2, 2, 2, 2, 2], fixed);
  const b = await train([2, 1, 1, 2, 1, 2], switched);
  // The reported loss is a sum whose order follows the threads' split; the weights are not.
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5 * a[i], `step ${i}: loss ${a[i]} vs ${b[i]}`);
  assert.ok(readFileSync(switched).equals(readFileSync(fixed)), 'the saved GGUF files are identical');
  assert.ok(a.every(Number.isFinite));
});

test('training on the same rows again lowers the loss', async () => {
  const trainer = await OptTrainer.open(model, { contextSize: CTX, threads: 1, adamw: { alpha: 3e-3 } });
  try {
    const data = rows(2, 7);
    const first = trainer.trainRows(data);
    for (let e = 0; e < 4; e++) trainer.trainRows(data);
    const last = trainer.trainRows(data);
    assert.ok(last[0] < first[0] - 0.1 && last[1] < first[1] - 0.1, `loss ${Array.from(first)} -> ${Array.from(last)}`);
    assert.equal(trainer.steps, 12);
  } finally {
    trainer.dispose();
  }
});
