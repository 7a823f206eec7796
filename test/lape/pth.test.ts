import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { unzipSync, zipSync } from 'fflate';
import { encodeNeuronPth, padNeuronSets, parseNeuronPth, readNeuronPth, writeNeuronPth } from '../../src/lape/formats/pth.ts';
import { distinctNeuronCount } from '../../src/lape/neuronSets.ts';
import { LapeError } from '../../src/lape/lapeError.ts';
import { encodeTorchArchive } from '../../src/lape/formats/encodeTorchArchive.ts';
import { torchTensor } from '../../src/lape/formats/torchTensor.ts';
import { PYTHON, fixturesDir, referenceDir, sharedMissing, torchUnavailable } from './lapeTestSupport.ts';

const noReference = () => sharedMissing('reference/LLaMA-2-7B.neuron.pth');

const isLapeError = (code: string, pattern: RegExp) => (e: unknown) => e instanceof LapeError && e.code === code && pattern.test(e.message);

test('LLaMA-2-7B reference neurons: zh layer 4 and 3,523 distinct neurons', (t) => {
  const why = noReference();
  if (why) return t.skip(why);
  const neurons = readNeuronPth(join(referenceDir(), 'LLaMA-2-7B.neuron.pth'));
  assert.equal(neurons.length, 7);
  assert.ok(neurons.every((layers) => layers.length === 32));
  assert.deepEqual(neurons[1][4], [6147, 9114, 9292]);
  // "Distinct" = (layer, index) pairs counted once across languages: round(32 * 11008 * 0.01).
  assert.equal(distinctNeuronCount(neurons), 3523);
});

test('every published neuron file loads, with ascending indices and the expected counts', (t) => {
  const why = noReference();
  if (why) return t.skip(why);
  const expected: Record<string, { langs: number; layers: number; distinct: number }> = {
    'LLaMA-2-7B': { langs: 7, layers: 32, distinct: 3523 },
    'LLaMA-2-13B': { langs: 7, layers: 40, distinct: 5530 }, // 40 x 13824
    'LLaMA-2-70B': { langs: 6, layers: 80, distinct: 22938 }, // 80 x 28672
    'BLOOM-7B': { langs: 6, layers: 30, distinct: 4915 }, // 30 x 16384
  };
  const dir = referenceDir();
  const files = readdirSync(dir).filter((f) => f.endsWith('.neuron.pth'));
  assert.ok(files.length >= 7);
  for (const f of files) {
    const neurons = readNeuronPth(join(dir, f));
    const name = f.replace('.neuron.pth', '');
    assert.ok(neurons.length === 6 || neurons.length === 7, f);
    for (const layers of neurons) {
      for (const idx of layers) {
        for (let i = 1; i < idx.length; i++) assert.ok(idx[i - 1] < idx[i], `${f}: ascending`);
      }
    }
    const e = expected[name];
    if (e) {
      assert.equal(neurons.length, e.langs, f);
      assert.equal(neurons[0].length, e.layers, f);
      assert.equal(distinctNeuronCount(neurons), e.distinct, f);
    }
    const padded = padNeuronSets(neurons, 7);
    assert.equal(padded.length, 7);
    assert.ok(padded[6].length === neurons[0].length);
  }
});

test('export then import gives the same neurons', (t) => {
  const why = noReference();
  if (why) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), 'lape-pth-'));
  for (const name of ['LLaMA-2-7B', 'Phi-2-2.7B']) {
    const neurons = readNeuronPth(join(referenceDir(), `${name}.neuron.pth`));
    const out = join(dir, `${name}.neuron.pth`);
    writeNeuronPth(out, neurons);
    assert.deepEqual(readNeuronPth(out), neurons);
  }
  const tricky = [[[0, 1, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 40]], [[]]];
  assert.deepEqual(parseNeuronPth(encodeNeuronPth(tricky), 'mem'), tricky);
});

test('tensors saved as views of a shared storage (offsets, strides) read correctly', () => {
  const expected = JSON.parse(readFileSync(join(fixturesDir, 'expected.json'), 'utf8'));
  assert.deepEqual(readNeuronPth(join(fixturesDir, 'views.neuron.pth')), expected.views);
});

test('corrupted or truncated files give typed errors naming the file', (t) => {
  const why = noReference();
  if (why) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), 'lape-pth-bad-'));
  const good = readFileSync(join(referenceDir(), 'LLaMA-2-7B.neuron.pth'));
  const write = (name: string, bytes: Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const truncated = write('truncated.pth', good.subarray(0, good.length - 100));
  assert.throws(() => readNeuronPth(truncated), isLapeError('truncated', /truncated\.pth: .*truncated/));
  const half = write('half.pth', good.subarray(0, 8000));
  assert.throws(() => readNeuronPth(half), isLapeError('truncated', /half\.pth/));
  const empty = write('empty.pth', new Uint8Array(0));
  assert.throws(() => readNeuronPth(empty), isLapeError('truncated', /empty\.pth: file is empty/));
  const text = write('text.pth', new TextEncoder().encode('hello, this is not a torch file'));
  assert.throws(() => readNeuronPth(text), isLapeError('corrupt', /text\.pth: not a torch\.save file/));
  const legacy = write('legacy.pth', Uint8Array.of(0x80, 0x02, 0x8a, 0x0a));
  assert.throws(() => readNeuronPth(legacy), isLapeError('unsupported', /legacy\.pth: legacy torch\.save format/));
  // A storage file shorter than its tensor.
  const small = encodeNeuronPth([[[1, 2, 3]]]);
  const entries = unzipSync(small);
  entries['archive/data/0'] = entries['archive/data/0'].subarray(0, 16);
  const shortStorage = write('short.pth', zipSync(entries, { level: 0 }));
  assert.throws(() => readNeuronPth(shortStorage), isLapeError('truncated', /short\.pth: storage data\/0 holds 16 bytes, expected 24/));
  const broken = Buffer.from(small);
  const pkl = broken.indexOf('data.pkl');
  assert.ok(pkl > 0);
  // Damage the pickle's opcode stream (first opcode after PROTO) without breaking the zip.
  const pklStart = broken.indexOf(Buffer.from([0x80, 0x02]), pkl);
  broken[pklStart + 2] = 0xff;
  const badPickle = write('badpickle.pth', broken);
  assert.throws(() => readNeuronPth(badPickle), isLapeError('unsupported', /badpickle\.pth: unsupported pickle opcode 0xff/));
  const missing = join(dir, 'missing.pth');
  assert.throws(() => readNeuronPth(missing), isLapeError('not-found', /missing\.pth/));
});

test('a file that is a torch archive but not a neuron list is refused', () => {
  const notTensor = encodeTorchArchive([['x']]);
  assert.throws(() => parseNeuronPth(notTensor, 'str.pth'), isLapeError('corrupt', /str\.pth: not a neuron file: language 0 layer 0 is not a tensor/));
  const ragged = encodeTorchArchive([[torchTensor('int64', [1], [1])], []]);
  assert.throws(() => parseNeuronPth(ragged, 'ragged.pth'), isLapeError('corrupt', /language 1 has 0 layers, language 0 has 1/));
  const floats = encodeTorchArchive([[torchTensor('float32', [1], [1.5])]]);
  assert.throws(() => parseNeuronPth(floats, 'f.pth'), isLapeError('corrupt', /dtype float32/));
  assert.throws(
    () => parseNeuronPth(readFileSync(join(fixturesDir, 'activation.zh.train.tiny')), 'act.pth'),
    isLapeError('corrupt', /act\.pth: not a neuron file: the top level is not a list/),
  );
});

test('torch.load reads a .pth written here to the same List[List[LongTensor]]', (t) => {
  const why = noReference() ?? torchUnavailable();
  if (why) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), 'lape-pth-torch-'));
  const neurons = readNeuronPth(join(referenceDir(), 'LLaMA-2-7B.neuron.pth'));
  const ours = join(dir, 'ours.neuron.pth');
  writeNeuronPth(ours, neurons);
  const script = `
import sys, torch
a = torch.load(sys.argv[1], weights_only=True)
b = torch.load(sys.argv[2])
assert type(a) is list and all(type(x) is list for x in a)
assert len(a) == len(b) and all(len(x) == len(y) for x, y in zip(a, b))
for la, lb in zip(a, b):
    for x, y in zip(la, lb):
        assert x.dtype == torch.int64 and x.dim() == 1, (x.dtype, x.shape)
        assert torch.equal(x, y)
print('ok', a[1][4].tolist())
`;
  const r = spawnSync(PYTHON, ['-c', script, ours, join(referenceDir(), 'LLaMA-2-7B.neuron.pth')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok \[6147, 9114, 9292\]/);
});
