import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliJson } from './runCli.ts';
import { sharedDir } from '../lape/lapeTestSupport.ts';

const reference = join(sharedDir, 'reference');
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'lape');

test('lape import FILE.pth --json prints neurons[lang][layer] in the file order', (t) => {
  const file = join(reference, 'LLaMA-2-7B.neuron.pth');
  if (!existsSync(file)) return t.skip(`${file} is missing (../shared/reference is laid beside the checkout)`);
  const out = runCliJson<{ neurons: number[][][]; distinct: number }>(['import', file]);
  assert.deepEqual(out.neurons[1][4], [6147, 9114, 9292]);
  assert.equal(out.distinct, 3523);
  assert.equal(out.neurons.length, 7);
  assert.equal(out.neurons[0].length, 32);
});

test('lape export --format pth writes a file that imports back identically', (t) => {
  const file = join(reference, 'Mistral-7B.neuron.pth');
  if (!existsSync(file)) return t.skip(`${file} is missing (../shared/reference is laid beside the checkout)`);
  const original = runCliJson<{ neurons: number[][][] }>(['import', file]);
  // Build a results folder around those neurons and export it again.
  const dir = mkdtempSync(join(tmpdir(), 'lape-export-'));
  const neurons = { version: 1, languages: ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'].slice(0, original.neurons.length), neurons: original.neurons, selected: [] };
  const summary = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'results', 'summary.json'), 'utf8'));
  summary.languages = neurons.languages;
  writeFileSync(join(dir, 'neurons.json'), JSON.stringify(neurons));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  const { files } = runCliJson<{ files: string[] }>(['export', dir, '--format', 'pth', '--out', join(dir, 'again.neuron.pth')]);
  const back = runCliJson<{ neurons: number[][][] }>(['import', files[0]]);
  assert.deepEqual(back.neurons, original.neurons);
});

test('lape identify --reference-activations reads the reference activation files, every language present', () => {
  const out = runCliJson<{ languages: string[]; neurons: number[][][] }>(['identify', '--reference-activations', fixtures, '--langs', 'zh,en', '--top-rate', '0.2']);
  assert.deepEqual(out.languages, ['zh', 'en']);
  assert.equal(out.neurons.length, 2);
  const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));
  assert.equal(out.neurons[0].length, expected.zh.over_zero.length, 'one list per layer');
  const missing = runCli(['identify', '--reference-activations', fixtures, '--langs', 'zh,en,fr', '--json']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /activation\.fr/);
});

test('unknown commands and options say how to get help', () => {
  const r = runCli(['detcet']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "detcet"/);
  const o = runCli(['detect', '--modle', 'x']);
  assert.equal(o.code, 2);
  assert.match(o.stderr, /lape detect --help/);
});
