// The analysis process from sources with the real pipeline and llama.cpp, on a tiny
// synthetic model: what the extension sends reaches the engine, and Cancel stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { AnalysisClient } from '../../src/extension/AnalysisClient.ts';
import { AnalysisError } from '../../src/extension/analysisErrors.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { DetectRequest, ModelInfoRequest, OpenResultsRequest, ReidentifyRequest, type PipelineProgress } from '../../src/protocol/analysisProtocol.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'lape-protocol-'));
const model = join(dir, 'tiny-llama.gguf');
await writeSyntheticModel(model, { arch: 'llama', dtype: 'f32', nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nHeadKv: 2, seed: 3 });
const client = new AnalysisClient({ modulePath: join(root, 'src/analysis/main.ts'), execArgv: ['--import', 'tsx'], cwd: root });
test.after(async () => {
  await client.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('modelInfo describes the model the engine loaded', async () => {
  const info = await client.request(ModelInfoRequest, { model });
  assert.deepEqual({ fileName: info.fileName, nLayer: info.nLayer, nFf: info.nFf, architecture: info.architecture }, { fileName: 'tiny-llama.gguf', nLayer: 2, nFf: 128, architecture: 'llama' });
});

test('detect writes a results folder that openResults and reidentify read back', async () => {
  const outDir = join(dir, 'results');
  const progress: PipelineProgress[] = [];
  const view = await client.request(DetectRequest, { model, languages: ['en', 'zh'], outDir, budget: 256, sequenceLength: 128 }, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(view.summary.languages, ['en', 'zh']);
  const detected = progress.filter((p) => p.phase === 'detect' && p.done !== undefined).map((p) => p.done!);
  assert.ok(detected.length > 0 && detected.every((d, i) => i === 0 || d >= detected[i - 1]), `detect progress in order: ${detected}`);
  assert.equal(detected.at(-1), 512);
  const opened = await client.request(OpenResultsRequest, { resultsDir: outDir });
  assert.deepEqual(opened.neurons.selected, view.neurons.selected);
  const wider = await client.request(ReidentifyRequest, { resultsDir: outDir, params: { topRate: 0.1 } });
  assert.equal(wider.summary.params.topRate, 0.1);
  assert.ok(wider.neurons.selected.length >= view.neurons.selected.length);
});

test('cancelling a detection stops the engine and rejects as cancelled', async () => {
  const source = new CancellationTokenSource();
  let reports = 0;
  const started = Date.now();
  let cancelledAt = 0;
  const pending = client.request(DetectRequest, { model, languages: ['en', 'zh'], outDir: join(dir, 'big'), budget: 1_000_000, sequenceLength: 128 }, {
    token: source.token,
    onProgress: (p) => {
      if (p.phase === 'detect' && p.done && ++reports === 2) {
        cancelledAt = Date.now();
        source.cancel();
      }
    },
  });
  await assert.rejects(pending, (e: unknown) => e instanceof AnalysisError && e.kind === 'cancelled');
  assert.ok(cancelledAt > started);
  assert.ok(Date.now() - cancelledAt < 5000, `stopped ${Date.now() - cancelledAt} ms after Cancel`);
  // The process is still usable afterwards.
  assert.equal((await client.request(ModelInfoRequest, { model })).nLayer, 2);
});
