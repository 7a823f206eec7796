import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaEngine, readModelFacts } from '../../src/engine/index.ts';
import { logSoftmax } from '../../src/engine/logits.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { exportLora } from '../../src/pipeline/exportLora.ts';
import { writeResults } from '../../src/pipeline/resultsFolder.ts';
import { fakeResults } from './fakeResults.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-lora-'));

function llamaCppLogProbs(model: string, lora: string, tokens: number[], nVocab: number): Float64Array[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'loraChild.ts'), model, lora, JSON.stringify(tokens)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return (JSON.parse(out) as (number | null)[][]).map((row) => {
    const lp = new Float64Array(nVocab).fill(-Infinity);
    row.forEach((v, k) => { if (v !== null) lp[k] = v; });
    return lp;
  });
}

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
  const engine = await LlamaEngine.create();
  const model = await engine.loadModel(modelPath);
  const ctx = model.createContext({ contextSize: 256, threads: 1, exact: true });
  const edits = sets[0].map((neurons, layer) => ({ layer, neurons, mode: 'zero' as const }));
  const hooked = ctx.evaluate(tokens, { hooks: { edits } });
  const plain = ctx.evaluate(tokens);
  const nV = model.nVocab;
  const hookedLp = tokens.map((_, i) => logSoftmax(hooked, i, nV));
  const plainLp = tokens.map((_, i) => logSoftmax(plain, i, nV));
  engine.dispose();

  const withLora = llamaCppLogProbs(modelPath, lora, tokens, nV);
  const without = llamaCppLogProbs(modelPath, '-', tokens, nV);
  const diff = (a: Float64Array[], b: Float64Array[]) => Math.max(...a.map((row, i) => Math.max(...row.map((v, j) => Math.abs(v - b[i][j])))));
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
