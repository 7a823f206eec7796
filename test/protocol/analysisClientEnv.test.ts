// The extension passes languageNeurons.gpu to the analysis process as LAPE_GPU: the client asks
// its env function again at every start, so a restart picks up a changed setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisClient } from '../../src/extension/AnalysisClient.ts';
import { ModelInfoRequest } from '../../src/protocol/analysisProtocol.ts';
import { buildFakeEntry } from './fixtures/buildFakeEntry.ts';

const entry = await buildFakeEntry();

test('an env function is read at every start of the analysis process', async (t) => {
  const saved = process.env.LAPE_GPU;
  delete process.env.LAPE_GPU;
  // What LapeConfiguration.analysisEnv() returns: nothing for auto, LAPE_GPU otherwise.
  const settings = { gpu: 'auto' };
  const client = new AnalysisClient({ modulePath: entry, readyTimeoutMs: 20_000, env: () => (settings.gpu === 'auto' ? {} : { LAPE_GPU: settings.gpu }) });
  t.after(async () => {
    await client.dispose();
    if (saved !== undefined) process.env.LAPE_GPU = saved;
  });
  assert.equal((await client.request(ModelInfoRequest, { model: 'm' })).backend, 'cpu', 'auto adds nothing');
  settings.gpu = 'vulkan';
  assert.equal((await client.request(ModelInfoRequest, { model: 'm' })).backend, 'cpu', 'a running process keeps its environment');
  await client.restart();
  assert.equal((await client.request(ModelInfoRequest, { model: 'm' })).backend, 'vulkan');
});
