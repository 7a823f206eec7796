// Steering from the CLI: detection records residual means when asked, `generate --method`
// selects a recipe, and DiffMean steering through the hook equals llama.cpp applying the
// exported control-vector file through its own API (llama_set_adapter_cvec).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { LlamaEngine } from '../../src/engine/index.ts';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { readGgufTensor } from '../../src/gguf/readGgufTensor.ts';
import type { ResidualMeansFile } from '../../src/protocol/results.ts';
import { runCli, runCliJson } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-steer-'));
const model = join(dir, 'model.gguf');
const out = join(dir, 'run');
const N_LAYER = 4;
const N_EMBD = 64;
const common = ['--langs', 'en,zh,fr', '--budget', '1200', '--eval-budget', '200', '--seq-len', '128', '--threads', '2'];
const PROMPT = 'All human beings are born';
const gen = (...args: string[]) => runCliJson<{ text: string }>(['generate', '--model', model, '--results', out, '--prompt', PROMPT, '--max-tokens', '16', ...args]).text;

before(async () => {
  await writeSyntheticModel(model, { arch: 'llama', nLayer: N_LAYER, nEmbd: N_EMBD, nFf: 128, nHead: 4, nCtx: 512, seed: 31 });
  // A first run without residual means, then the same folder with them: the languages are
  // done again rather than resumed without their means.
  runCliJson(['detect', '--model', model, ...common, '--out', out]);
  assert.ok(!existsSync(join(out, 'residual-means.json')));
  runCliJson(['detect', '--model', model, ...common, '--out', out, '--residual-means']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function residualMeans(): { file: ResidualMeansFile; means: Float32Array } {
  const file = JSON.parse(readFileSync(join(out, 'residual-means.json'), 'utf8')) as ResidualMeansFile;
  const b = Buffer.from(file.means, 'base64');
  return { file, means: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)) };
}

test('detect --residual-means writes each language\'s mean residual stream after every block', () => {
  const { file, means } = residualMeans();
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(file.languages, ['en', 'zh', 'fr']);
  assert.equal(file.nLayer, N_LAYER);
  assert.equal(file.nEmbd, N_EMBD);
  assert.deepEqual(file.tokens, file.languages.map((l) => summary.tokens[l].detect));
  assert.equal(file.modelHeaderSha256, summary.model.headerSha256);
  assert.equal(means.length, 3 * N_LAYER * N_EMBD);
  assert.ok(means.every(Number.isFinite));
  const per = N_LAYER * N_EMBD;
  const diff = (a: number, b: number) => Math.max(...Array.from({ length: per }, (_, k) => Math.abs(means[a * per + k] - means[b * per + k])));
  assert.ok(diff(0, 1) > 1e-3 && diff(0, 2) > 1e-3, 'the languages have different means');
});

test('the exported control vector is the DiffMean direction in llama.cpp\'s format, and generate --method diffmean equals llama.cpp applying it', async () => {
  const strength = 3;
  const { files } = runCliJson<{ files: string[] }>(['export', out, '--format', 'control-vector', '--language', 'fr', '--strength', String(strength)]);
  const cvec = files[0];
  const info = await readGgufFileInfo(cvec, { logWarnings: false });
  const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
  assert.equal(meta.general.architecture, 'controlvector');
  assert.equal(meta.controlvector.layer_count, N_LAYER - 1);
  assert.equal(meta.controlvector.model_hint, 'llama');
  // common_control_vector_load's rules: direction.<il> with il >= 1, F32, one dimension.
  assert.deepEqual(info.tensorInfo!.map((t) => t.name), ['direction.1', 'direction.2', 'direction.3']);
  assert.ok(info.tensorInfo!.every((t) => Number(t.ggmlType) === 0 && t.dimensions.length === 1 && Number(t.dimensions[0]) === N_EMBD));

  // The direction, from the means on disk: strength x (mean_fr - mean over en, zh, fr).
  const { means } = residualMeans();
  const per = N_LAYER * N_EMBD;
  const data = new Float32Array(N_EMBD * (N_LAYER - 1));
  for (let il = 1; il < N_LAYER; il++) {
    const got = (await readGgufTensor(cvec, `direction.${il}`)).data;
    for (let i = 0; i < N_EMBD; i++) {
      const k = il * N_EMBD + i;
      const want = strength * (means[2 * per + k] - (means[k] + means[per + k] + means[2 * per + k]) / 3);
      assert.ok(Math.abs(got[i] - want) <= 1e-5 * (1 + Math.abs(want)), `direction.${il}[${i}]: ${got[i]} vs ${want}`);
    }
    data.set(got, (il - 1) * N_EMBD);
  }

  const engine = await LlamaEngine.create();
  let native = '';
  try {
    const m = await engine.loadModel(model);
    const ctx = m.createContext({ contextSize: 512 });
    ctx.setControlVector(data);
    for await (const c of ctx.generate(m.tokenize(PROMPT), { maxTokens: 16 })) native += c.text;
  } finally {
    engine.dispose();
  }
  const hooked = gen('--force', 'fr', '--method', 'diffmean', '--strength', String(strength));
  const plain = gen();
  assert.equal(hooked, native);
  assert.notEqual(hooked, plain, 'the direction changes the text');
});

test('--force X with the default method is the Force recipe: X\'s neurons set to their mean, the others deactivated', () => {
  const forced = runCliJson<{ text: string; method: string }>(['generate', '--model', model, '--results', out, '--prompt', PROMPT, '--max-tokens', '16', '--force', 'fr']);
  assert.equal(forced.method, 'force-neurons', 'generate --json says which method steered');
  assert.notEqual(forced.text, gen(), 'forcing changes the text');
  assert.equal(gen('--force', 'fr', '--method', 'force-neurons'), forced.text);
  assert.equal(gen('--activate', 'fr', '--deactivate', 'en,zh', '--mode', 'mean'), forced.text);
  assert.notEqual(gen('--force', 'fr', '--mode', 'scale', '--strength', '4'), forced.text, '--mode changes the recipe');
});

test('steering errors name the fix', () => {
  const bare = join(dir, 'bare');
  runCliJson(['detect', '--model', model, ...common, '--out', bare]);
  const noMeans = runCli(['generate', '--model', model, '--results', bare, '--prompt', PROMPT, '--force', 'fr', '--method', 'diffmean']);
  assert.notEqual(noMeans.code, 0);
  assert.match(noMeans.stderr, /residual-means\.json is missing.*--residual-means/);
  const bad = runCli(['generate', '--model', model, '--results', out, '--prompt', PROMPT, '--force', 'fr', '--method', 'bogus']);
  assert.match(bad.stderr, /--method must be one of force-neurons, diffmean/);
  const both = runCli(['generate', '--model', model, '--results', out, '--prompt', PROMPT, '--force', 'fr', '--activate', 'en']);
  assert.match(both.stderr, /--force chooses the languages itself/);
  const layer0 = runCli(['generate', '--model', model, '--results', out, '--prompt', PROMPT, '--force', 'fr', '--method', 'diffmean', '--layers', '0-2']);
  assert.match(layer0.stderr, /never touch block 0/);
});
