// A completion request, as the editor builds it, through the analysis process's generate:
// the Force set's method reaches runGenerate, and DiffMean without residual means fails
// with the fix named.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFacts } from '../../src/engine/index.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { EngineSession } from '../../src/pipeline/EngineSession.ts';
import { writeResults } from '../../src/pipeline/resultsFolder.ts';
import { runGenerate } from '../../src/pipeline/runGenerate.ts';
import { completionRequest } from '../../src/protocol/completionRequest.ts';
import { fakeResults } from './fakeResults.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-completion-gen-'));
const model = join(dir, 'model.gguf');
await writeSyntheticModel(model, { arch: 'llama', nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 256, seed: 5 });
const resultsDir = join(dir, 'results');
writeResults(resultsDir, fakeResults(await readModelFacts(model), ['en', 'fr'], [[[1, 2], [3]], [[4], [5, 6]]]));
const session = new EngineSession();
after(() => session.dispose());

const ask = (method: 'force-neurons' | 'diffmean') => ({
  ...completionRequest({ model, resultsDir, prefix: 'Once upon a time', suffix: '', force: { language: 'fr', method }, settings: { maxTokens: 4 } }),
  threads: 1,
});

test('DiffMean chosen for completions on a folder without residual means fails, naming the fix', async () => {
  await assert.rejects(runGenerate(session, ask('diffmean')), (err: Error) => {
    assert.match(err.message, /residual-means\.json is missing/);
    assert.ok(err.message.includes(`lape detect --residual-means --out ${resultsDir}`), err.message);
    return true;
  });
});

test('the neuron method on the same folder completes', async () => {
  const r = await runGenerate(session, ask('force-neurons'));
  assert.ok(r.tokens > 0, `generated ${r.tokens} tokens`);
  assert.equal(r.method, 'force-neurons');
});
