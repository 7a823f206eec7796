import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { writeSyntheticModel } from '../../src/gguf/syntheticModel.ts';
import { generateSyntheticWeights } from '../../src/gguf/syntheticWeights.ts';
import { readStatsFile } from '../../src/lape/formats/statsFile.ts';
import { runCli, runCliJson } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-cli-'));
const model = join(dir, 'model.gguf');
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'summary.schema.json'), 'utf8'));
const common = ['--langs', 'en,zh,fr', '--budget', '1500', '--eval-budget', '300', '--seq-len', '128', '--threads', '2'];

before(async () => {
  await writeSyntheticModel(model, { arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 21 });
});

test('detect -> identify -> perplexity end to end from the CLI, JSON valid against the schema', () => {
  const out = join(dir, 'full');
  const summary = runCliJson<Record<string, unknown> & { outDir: string; neurons: number[][][] }>(['detect', '--model', model, ...common, '--out', out, '--ppl']);
  const { outDir, neurons, ...rest } = summary;
  assert.equal(outDir, out);
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(schema);
  assert.ok(validate(rest), JSON.stringify(validate.errors));
  assert.ok(validate(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))), 'summary.json on disk validates too');
  assert.equal(neurons.length, 3);
  const langs = rest.languages as string[];
  assert.deepEqual(langs, ['en', 'zh', 'fr']);
  const ppl = rest.pplChange as number[][];
  assert.equal(ppl.length, 3);
  assert.ok(ppl.every((row) => row.length === 3 && row.every(Number.isFinite)));
  // A broken schema check would accept anything: make sure it rejects a damaged summary.
  assert.equal(validate({ ...rest, perLayerCounts: 'x' }), false);

  const re = runCliJson<{ params: { topRate: number }; overlap: number[][] }>(['identify', out, '--top-rate', '0.05']);
  assert.equal(re.params.topRate, 0.05);
  const before = (rest.overlap as number[][]).reduce((a, r, i) => a + r[i], 0);
  const after = re.overlap.reduce((a, r, i) => a + r[i], 0);
  assert.ok(after > before, `a larger top rate selects more neurons (${before} -> ${after})`);

  const ppl2 = runCliJson<{ pplChange: number[][] }>(['ppl', out, '--model', model]);
  assert.equal(ppl2.pplChange.length, 3);
});

test('shards merged equal one full run', () => {
  const full = join(dir, 'full-run');
  runCliJson(['detect', '--model', model, ...common, '--out', full]);
  runCliJson(['detect', '--model', model, ...common, '--out', join(dir, 's0'), '--shard', '0/2']);
  runCliJson(['detect', '--model', model, ...common, '--out', join(dir, 's1'), '--shard', '1/2']);
  const merged = runCliJson<{ neurons: number[][][]; tokens: Record<string, { detect: number }> }>(['merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'merged')]);
  const a = readStatsFile(join(full, 'stats.lapestats')).stats;
  const b = readStatsFile(join(dir, 'merged', 'stats.lapestats')).stats;
  for (let l = 0; l < a.languages.length; l++) {
    assert.equal(b.languages[l].tokens, a.languages[l].tokens);
    assert.deepEqual(Array.from(b.languages[l].overZero), Array.from(a.languages[l].overZero), `counts of ${a.languages[l].lang}`);
    for (let i = 0; i < a.languages[l].sumAct.length; i++) assert.ok(Math.abs(b.languages[l].sumAct[i] - a.languages[l].sumAct[i]) < 1e-6 * (1 + Math.abs(a.languages[l].sumAct[i])));
  }
  const fullJson = JSON.parse(readFileSync(join(full, 'neurons.json'), 'utf8'));
  assert.deepEqual(merged.neurons, fullJson.neurons);
  assert.equal(merged.tokens.en.detect, a.languages[0].tokens);
  assert.deepEqual(readStatsFile(join(dir, 'merged', 'stats.lapestats')).meta.coverage, { count: 1, indices: [0] });
  // The same shard twice, or a shard with the full run that covers it, would count tokens twice.
  for (const [x, y] of [['s0', 's0'], ['full-run', 's1']]) {
    const r = runCli(['merge', join(dir, x), join(dir, y), '--out', join(dir, `bad-${x}-${y}`)]);
    assert.notEqual(r.code, 0, `merge ${x} ${y} must fail`);
    assert.match(r.stderr, x === y ? /is given twice/ : /covers shard 1\/2, which overlaps all detection sequences/);
  }
});

test('a cancelled detection keeps its finished languages and resumes', () => {
  const out = join(dir, 'resume');
  runCliJson(['detect', '--model', model, ...common, '--out', out]);
  const partial = join(out, 'partial', 'en.lapestats');
  const stamp = readFileSync(partial);
  // Simulate a crash after en: drop the later languages' partial files.
  for (const l of ['zh', 'fr']) writeFileSync(join(out, 'partial', `${l}.lapestats`), 'damaged');
  const r = runCli(['detect', '--model', model, ...common, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /en: already done, resumed|Results in/);
  assert.deepEqual(readFileSync(partial), stamp, 'the finished language was not recomputed');
  assert.ok(readStatsFile(join(out, 'partial', 'zh.lapestats')).stats.languages[0].tokens > 0, 'damaged languages were recomputed');
});

test('bad input gives a clear error and a non-zero exit', () => {
  const unknown = runCli(['detect', '--model', model, '--langs', 'en,xx', '--out', join(dir, 'bad1')]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /xx/);

  const corpus = join(dir, 'corpus');
  runCli([]); // warm
  writeFileSync(join(dir, 'empty.txt'), '');
  const empty = runCli(['detect', '--model', model, '--langs', 'en,fr', '--corpus', `en=${join(dir, 'empty.txt')},fr=${join(dir, 'empty.txt')}`, '--out', join(dir, 'bad2')]);
  assert.notEqual(empty.code, 0);
  assert.match(empty.stderr, /empty\.txt/);

  const missing = runCli(['detect', '--model', model, '--langs', 'en,fr', '--corpus', `en=${join(dir, 'nope.txt')},fr=${join(dir, 'nope.txt')}`, '--out', join(dir, 'bad3')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope\.txt/);

  // Only punctuation-free whitespace: the file exists but yields no tokens.
  writeFileSync(join(dir, 'blank.txt'), '\n\n   \n\n');
  const blank = runCli(['detect', '--model', model, '--langs', 'en,fr', '--corpus', `en=${join(dir, 'blank.txt')},fr=${join(dir, 'blank.txt')}`, '--out', join(dir, 'bad4')]);
  assert.notEqual(blank.code, 0);
  assert.match(blank.stderr, /blank\.txt|en/);
  void corpus;

  const modelMissing = runCli(['detect', '--model', join(dir, 'absent.gguf'), '--out', join(dir, 'bad5')]);
  assert.notEqual(modelMissing.code, 0);
  assert.match(modelMissing.stderr, /absent\.gguf/);

  const corrupt = join(dir, 'corrupt.neuron.pth');
  writeFileSync(corrupt, Buffer.from('PK\u0003\u0004 this is not a torch file'));
  const pth = runCli(['import', corrupt]);
  assert.notEqual(pth.code, 0);
  assert.match(pth.stderr, /corrupt\.neuron\.pth/);
});

test('statistics of another model are refused', async () => {
  const other = join(dir, 'other.gguf');
  await writeSyntheticModel(other, { arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 22 });
  const out = join(dir, 'full-run');
  assert.ok(existsSync(join(out, 'summary.json')));
  const r = runCli(['ppl', out, '--model', other]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /was made with model\.gguf/);
  runCliJson(['detect', '--model', other, ...common, '--out', join(dir, 'other-s0'), '--shard', '0/2']);
  const merge = runCli(['merge', join(dir, 's0'), join(dir, 'other-s0'), '--out', join(dir, 'mixed')]);
  assert.notEqual(merge.code, 0);
  assert.match(merge.stderr, /computed on|model/);
});

test('a model whose logits are not finite gets a perplexity error that names it, and its results stay', async () => {
  const weights = generateSyntheticWeights({ arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 23 });
  weights.tensors.get('output_norm.weight')!.data.fill(NaN);
  const broken = join(dir, 'broken.gguf');
  await writeSyntheticModel(broken, { weights });
  const out = join(dir, 'broken-run');
  const r = runCli(['detect', '--model', broken, ...common, '--out', out, '--ppl']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /broken\.gguf gives non-finite log-probabilities on the held-out text of en, zh, fr/);
  // Detection finished before perplexity: its statistics and neurons are kept.
  assert.ok(existsSync(join(out, 'summary.json')) && existsSync(join(out, 'stats.lapestats')));
  assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).perplexity ?? null, null);
});

test('a model whose FFN computes NaN stops detection with an error naming the layer, instead of picking neurons from NaN sums', async () => {
  const weights = generateSyntheticWeights({ arch: 'llama', nLayer: 3, nEmbd: 64, nFf: 128, nHead: 4, nCtx: 512, seed: 29 });
  // One gate row of layer 1 poisoned, as random bytes in tensor data would do.
  weights.tensors.get('blk.1.ffn_gate.weight')!.data.fill(NaN, 0, 64);
  const broken = join(dir, 'nan-gate.gguf');
  await writeSyntheticModel(broken, { weights });
  const r = runCli(['detect', '--model', broken, ...common, '--out', join(dir, 'nan-run')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /nan-gate\.gguf gives non-finite FFN activations in layer 1 /);
  assert.ok(!existsSync(join(dir, 'nan-run', 'neurons.json')), 'no neurons are written from NaN statistics');
});
