import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  parseReferenceActivation,
  parseReferenceActivationName,
  readReferenceActivations,
  referenceActivationName,
} from '../../src/lape/formats/referenceActivation.ts';
import { encodeTorchArchive, type TorchWritable } from '../../src/lape/formats/encodeTorchArchive.ts';
import { torchTensor } from '../../src/lape/formats/torchTensor.ts';
import { LapeError } from '../../src/lape/lapeError.ts';
import { PYTHON, fixturesDir, torchUnavailable } from './lapeTestSupport.ts';

const expected = JSON.parse(readFileSync(join(fixturesDir, 'expected.json'), 'utf8'));

test('reads activation.py output written by torch (int32 counts, float32 sums)', () => {
  const path = join(fixturesDir, 'activation.zh.train.tiny');
  const zh = parseReferenceActivation(readFileSync(path), path);
  assert.equal(zh.lang, 'zh');
  assert.equal(zh.tokens, 1000);
  assert.deepEqual(Array.from(zh.overZero), expected.zh.over_zero.flat());
  assert.deepEqual(Array.from(zh.sumAct), expected.zh.sum1.flat());
});

test('reads int64 counts through a strided, offset view, a LONG1 n, and no sums (NaN)', () => {
  const path = join(fixturesDir, 'activation.en.train.tiny');
  const en = parseReferenceActivation(readFileSync(path), path);
  assert.equal(en.tokens, 2 ** 41);
  assert.deepEqual(Array.from(en.overZero), expected.en.over_zero.flat());
  assert.ok(en.sumAct.every((x) => Number.isNaN(x)));
});

test('readReferenceActivations builds ActivationStats and checks shapes', () => {
  const paths = ['zh', 'en'].map((l) => join(fixturesDir, referenceActivationName(l, 'tiny')));
  const stats = readReferenceActivations(paths);
  assert.equal(stats.nLayer, 3);
  assert.equal(stats.nFf, 5);
  assert.deepEqual(stats.languages.map((l) => l.lang), ['zh', 'en']);
  const renamed = readReferenceActivations(paths, ['a', 'b']);
  assert.deepEqual(renamed.languages.map((l) => l.lang), ['a', 'b']);

  const dir = mkdtempSync(join(tmpdir(), 'lape-act-'));
  const other = join(dir, 'activation.fr.train.tiny');
  writeFileSync(other, encodeTorchArchive(new Map<string, TorchWritable>([['n', 10], ['over_zero', torchTensor('int32', [2, 5], new Array(10).fill(1))]])));
  assert.throws(
    () => readReferenceActivations([paths[0], other]),
    (e: unknown) => e instanceof LapeError && e.code === 'shape-mismatch' && e.message.includes('activation.fr.train.tiny'),
  );
  const noCounts = join(dir, 'activation.es.train.tiny');
  writeFileSync(noCounts, encodeTorchArchive(new Map([['n', 10]])));
  assert.throws(() => readReferenceActivations([noCounts]), (e: unknown) => e instanceof LapeError && /over_zero/.test(e.message));
  const unnamed = join(dir, 'counts.pt');
  writeFileSync(unnamed, readFileSync(paths[0]));
  assert.throws(() => readReferenceActivations([unnamed]), (e: unknown) => e instanceof LapeError && /language/.test(e.message));
});

test('file names follow activation.py', () => {
  assert.equal(referenceActivationName('zh', 'llama-7b'), 'activation.zh.train.llama-7b');
  assert.deepEqual(parseReferenceActivationName('/x/data/activation.zh.train.llama-70b'), { lang: 'zh', split: 'train', model: 'llama-70b' });
  assert.equal(parseReferenceActivationName('something.pth'), undefined);
});

test('reads a file that torch.save writes now, with sum1..sum4 as activation.py saves them', (t) => {
  const why = torchUnavailable();
  if (why) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), 'lape-act-torch-'));
  const path = join(dir, 'activation.vi.train.llama-7b');
  const script = `
import sys, torch
g = torch.Generator().manual_seed(1)
over_zero = torch.randint(0, 99999744, (4, 6), generator=g, dtype=torch.int32)
sums = [torch.randn(4, 6, generator=g) for _ in range(4)]
torch.save(dict(n=99999744, sum1=sums[0], sum2=sums[1], sum3=sums[2], sum4=sums[3], over_zero=over_zero), sys.argv[1])
print(' '.join(map(str, over_zero.flatten().tolist())))
print(' '.join(map(repr, sums[0].flatten().tolist())))
`;
  const r = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [counts, sum1] = r.stdout.trim().split('\n').map((line) => line.split(' ').map(Number));
  const vi = parseReferenceActivation(readFileSync(path), path);
  assert.equal(vi.lang, 'vi');
  assert.equal(vi.tokens, 99999744);
  assert.deepEqual(Array.from(vi.overZero), counts);
  assert.deepEqual(Array.from(vi.sumAct), sum1);
});
