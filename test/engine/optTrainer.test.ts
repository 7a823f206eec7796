// llama.cpp's trainer through the engine: steps lower the loss on a repeated row, and
// changing the thread count between steps (the demo recipe does, as the machine's load
// changes) leaves the trained weights bit for bit as they were; token_embd trains only when
// asked, and then only the rows of tokens the rows contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TRAINABLE_LAYERS, OptTrainer, type TrainingRow } from '../../src/engine/training/OptTrainer.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { SeededRandom } from '../../src/gguf/seededRandom.ts';
import { readGgufTensor } from '../../src/gguf/readGgufTensor.ts';

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

async function embeddingAfterTraining(trainTokenEmbedding: boolean, data: TrainingRow[]): Promise<{ before: Float32Array; after: Float32Array; nEmbd: number }> {
  const out = join(dir, `embd-${trainTokenEmbedding}.gguf`);
  const trainer = await OptTrainer.open(model, { contextSize: CTX, threads: 1, adamw: { alpha: 3e-3, wd: 0 }, trainTokenEmbedding });
  try {
    assert.equal(trainer.trainsTokenEmbedding, trainTokenEmbedding);
    trainer.trainRows(data);
    trainer.save(out);
  } finally {
    trainer.dispose();
  }
  const before = await readGgufTensor(model, 'token_embd.weight');
  const after = await readGgufTensor(out, 'token_embd.weight');
  return { before: before.data, after: after.data, nEmbd: before.shape[0] };
}

test('token_embd stays frozen by default, and trains on exactly the tokens seen when asked', async () => {
  const data = rows(3, 11);
  const seen = new Set<number>();
  for (const r of data) for (const t of r.tokens) seen.add(t);
  const frozen = await embeddingAfterTraining(false, data);
  assert.deepEqual(frozen.after, frozen.before);

  const trained = await embeddingAfterTraining(true, data);
  const nVocab = trained.before.length / trained.nEmbd;
  let changedSeen = 0;
  for (let tok = 0; tok < nVocab; tok++) {
    const row = (a: Float32Array) => a.subarray(tok * trained.nEmbd, (tok + 1) * trained.nEmbd);
    const moved = row(trained.after).some((v, i) => v !== row(trained.before)[i]);
    // With no weight decay AdamW leaves a parameter whose gradient is always 0 where it was.
    if (seen.has(tok)) changedSeen += moved ? 1 : 0;
    else assert.ok(!moved, `token ${tok} never appears in the rows but its embedding moved`);
  }
  assert.equal(changedSeen, seen.size, `${changedSeen} of ${seen.size} seen tokens moved`);
});

test('the deepest model the trainer accepts does train', async () => {
  const deepest = join(dir, 'deepest.gguf');
  await writeSyntheticModel(deepest, { arch: 'llama', dtype: 'f32', nLayer: MAX_TRAINABLE_LAYERS, nEmbd: 32, nFf: 64, nHead: 2, nCtx: CTX, seed: 3 });
  const trainer = await OptTrainer.open(deepest, { contextSize: CTX, threads: 1 });
  try {
    assert.ok(trainer.trainRows(rows(1, 5)).every(Number.isFinite));
  } finally {
    trainer.dispose();
  }
});

test('a model deeper than llama.cpp can train is refused with a clear error, not an abort', async () => {
  const deep = join(dir, 'deep.gguf');
  await writeSyntheticModel(deep, { arch: 'llama', dtype: 'f32', nLayer: MAX_TRAINABLE_LAYERS + 1, nEmbd: 32, nFf: 64, nHead: 2, nCtx: CTX, seed: 3 });
  await assert.rejects(OptTrainer.open(deep, { contextSize: CTX, threads: 1 }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'unsupported-architecture');
    assert.match(err.message, /8 blocks; this llama\.cpp can train at most 7/);
    return true;
  });
});
