import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFacts } from '../../src/engine/index.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { exportLora } from '../../src/pipeline/exportLora.ts';
import { writeResults } from '../../src/pipeline/resultsFolder.ts';
import { fakeResults } from './fakeResults.ts';
import { hookLogProbs, llamaCppLogProbs, maxDiff } from './loraSupport.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-lora-'));

test('an exported LoRA adapter loaded by node-llama-cpp equals the hook deactivation', async () => {
  const modelPath = join(dir, 'model.gguf');
  await writeSyntheticModel(modelPath, { arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 256, seed: 11 });
  const facts = await readModelFacts(modelPath);
  // Language "xx" owns neurons in layers 0 and 2, none in layer 1.
  const sets = [[[3, 17, 64, 100], [], [5, 6, 127]], [[1], [2], [3]]];
  const resultsDir = join(dir, 'results');
  writeResults(resultsDir, fakeResults(facts, ['xx', 'yy'], sets));
  const [lora] = await exportLora(resultsDir, 'xx', modelPath);

  const tokens = [1, 40, 75, 104, 111, 259, 200, 150, 90, 33, 47];
  const { hooked: hookedLp, plain: plainLp, nVocab: nV } = await hookLogProbs(modelPath, tokens, sets[0]);

  const withLora = llamaCppLogProbs(modelPath, lora, tokens, nV);
  const without = llamaCppLogProbs(modelPath, '-', tokens, nV);
  const diff = maxDiff;
  assert.ok(diff(without, plainLp) < 1e-3, `the two llama.cpp paths agree without edits (${diff(without, plainLp)})`);
  assert.ok(diff(hookedLp, plainLp) > 1e-2, 'the deactivation changes the output, so the comparison can fail');
  const d = diff(withLora, hookedLp);
  assert.ok(d <= 1e-3, `LoRA vs hook max |Δ log p| = ${d}`);
});

test('a LoRA export names what is missing', async () => {
  const modelPath = join(dir, 'model.gguf');
  const facts = await readModelFacts(modelPath);
  const resultsDir = join(dir, 'results-empty');
  writeResults(resultsDir, fakeResults(facts, ['xx', 'yy'], [[[], [], []], [[1], [], []]]));
  await assert.rejects(exportLora(resultsDir, 'xx', modelPath), /has no neurons/);
  await assert.rejects(exportLora(resultsDir, 'zz', modelPath), /not among the detected languages/);
  await assert.rejects(exportLora(resultsDir, undefined, modelPath), /Say which language/);
});
