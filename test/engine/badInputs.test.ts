// Bad inputs give a typed EngineError whose message says what is wrong and how to fix it,
// and the engine stays usable afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { ActivationRecorder, type NeuronEdit } from '../../src/engine/index.ts';
import { EXACT, SAMPLE_TEXT, loadTestModel, tempPath, testEngine, testModel, tokensOf, writeVariantModel } from './testModels.ts';
import { rejectsWith } from './rejectsWith.ts';

test('a missing file', async () => {
  const engine = await testEngine();
  const path = tempPath('no-such-model.gguf');
  await rejectsWith(engine.loadModel(path), 'missing-file', path, 'Choose an existing .gguf file');
});

test('a file that is not GGUF, and an empty one', async () => {
  const engine = await testEngine();
  const path = tempPath('model.safetensors');
  await writeFile(path, '{"__metadata__": {}}'.padEnd(4096, ' '));
  await rejectsWith(engine.loadModel(path), 'not-gguf', path, 'convert_hf_to_gguf');
  const empty = tempPath('empty.gguf');
  await writeFile(empty, '');
  await rejectsWith(engine.loadModel(empty), 'not-gguf', empty);
});

test('a truncated GGUF: cut in the tensor data, and cut in the header', async () => {
  const engine = await testEngine();
  const bytes = await readFile((await testModel({ arch: 'llama' })).path);
  const inData = tempPath('cut-in-data.gguf');
  await writeFile(inData, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  await rejectsWith(engine.loadModel(inData), 'truncated-gguf', inData, 'truncated', 'convert it again');
  const inHeader = tempPath('cut-in-header.gguf');
  await writeFile(inHeader, bytes.subarray(0, 600));
  await rejectsWith(engine.loadModel(inHeader), 'truncated-gguf', inHeader, 'convert it again');
});

test('an unsupported architecture, and a mixture-of-experts FFN, fail at load naming the architecture', async () => {
  const engine = await testEngine();
  const { weights } = await testModel({ arch: 'llama' });
  const mamba = await writeVariantModel('mamba.gguf', weights, { architecture: 'mamba' });
  await rejectsWith(engine.loadModel(mamba), 'unsupported-architecture', '"mamba"', 'Supported: llama');
  const moe = await writeVariantModel('moe.gguf', weights, { extra: 'blk.0.ffn_gate_inp.weight' });
  await rejectsWith(engine.loadModel(moe), 'unsupported-architecture', '"llama"', 'mixture-of-experts');
});

test('a GGUF that llama.cpp refuses gives load-failed with its log line', async () => {
  const engine = await testEngine();
  const { weights } = await testModel({ arch: 'llama' });
  const path = await writeVariantModel('missing-tensor.gguf', weights, { drop: 'blk.1.ffn_down.weight' });
  await rejectsWith(engine.loadModel(path), 'load-failed', path, 'blk.1.ffn_down.weight');
});

test('metadata that would reach a GGML_ASSERT in llama.cpp (an abort, exit 134) is refused first, naming the key and its limit', async () => {
  const engine = await testEngine();
  const { weights } = await testModel({ arch: 'llama' });
  const cases: [Record<string, number>, ...string[]][] = [
    [{ block_count: 0 }, '"llama.block_count" is 0', '1 to 512'],
    [{ block_count: 1000 }, '"llama.block_count" is 1000', '1 to 512'],
    [{ expert_count: 4 }, '"llama.expert_count" is 4', '"llama.expert_used_count" is missing or 0'],
    [{ expert_used_count: 2 }, '"llama.expert_used_count" is 2', 'at most "llama.expert_count" (0)'],
    [{ nextn_predict_layers: 3 }, '"llama.nextn_predict_layers" is 3', 'at most "llama.block_count" (2)'],
  ];
  for (const [uint32, ...mentions] of cases) {
    const path = await writeVariantModel(`bad-${Object.keys(uint32)[0]}.gguf`, weights, { uint32 });
    await rejectsWith(engine.loadModel(path), 'bad-metadata', path, ...mentions, 'convert or download the model again');
  }
});

test('metadata that disagrees with the tensor shapes names the key, not a tensor llama.cpp could not load', async () => {
  const engine = await testEngine();
  const { weights } = await testModel({ arch: 'llama' });
  const cases: [Record<string, number>, ...string[]][] = [
    [{ block_count: 3 }, '"llama.block_count" is 3 but the file has tensors for 2 layers'],
    [{ block_count: 1 }, '"llama.block_count" is 1 but the file has tensors for 2 layers'],
    [{ feed_forward_length: 64 }, '"llama.feed_forward_length" is 64 for layer 0', '(128)'],
    [{ feed_forward_length: 0 }, '"llama.feed_forward_length" is 0'],
    [{ embedding_length: 32 }, '"llama.embedding_length" is 32', "token_embd.weight's first dimension (64)"],
    [{ 'attention.head_count_kv': 0 }, '"llama.attention.head_count_kv" is 0', 'divide "llama.attention.head_count" (4)'],
    [{ 'attention.head_count_kv': 3 }, '"llama.attention.head_count_kv" is 3'],
    [{ 'attention.head_count': 3, 'attention.head_count_kv': 1 }, '"llama.attention.head_count" is 3', 'divide "llama.embedding_length" (64)'],
  ];
  for (const [uint32, ...mentions] of cases) {
    const path = await writeVariantModel(`shape-${Object.keys(uint32).join('-')}.gguf`, weights, { uint32 });
    await rejectsWith(engine.loadModel(path), 'bad-metadata', path, ...mentions);
  }
  const n = weights.vocab.tokens.length - 4;
  const vocab = { ...weights.vocab, tokens: weights.vocab.tokens.slice(0, n), scores: weights.vocab.scores.slice(0, n), tokenTypes: weights.vocab.tokenTypes.slice(0, n) };
  const short = await writeVariantModel('short-vocab.gguf', { ...weights, vocab }, {});
  await rejectsWith(engine.loadModel(short), 'bad-metadata', `has ${n} tokens but token_embd.weight has ${n + 4} rows`);
  // The good file still loads: the checks do not refuse what llama.cpp accepts.
  const model = await engine.loadModel((await testModel({ arch: 'llama' })).path);
  assert.equal(model.nLayer, 2);
  model.dispose();
});

test('neuron, layer and token indices out of range, and bad edit values', async () => {
  const model = await loadTestModel((await testModel({ arch: 'llama' })).path);
  const ctx = model.createContext(EXACT);
  const tokens = tokensOf('range');
  const before = ctx.evaluate(tokens);
  const edit = (e: NeuronEdit) => () => ctx.evaluate(tokens, { hooks: { edits: [e] } });
  await rejectsWith(edit({ layer: 0, neurons: [3, 128], mode: 'zero' }), 'neuron-out-of-range', 'Neuron 128 of layer 0', '0 to 127');
  await rejectsWith(edit({ layer: 1, neurons: [-1], mode: 'zero' }), 'neuron-out-of-range', 'Neuron -1');
  await rejectsWith(edit({ layer: 2, neurons: [0], mode: 'zero' }), 'neuron-out-of-range', 'Layer 2', 'layers 0 to 1');
  await rejectsWith(edit({ layer: -1, neurons: [0], mode: 'zero' }), 'neuron-out-of-range', 'Layer -1');
  await rejectsWith(edit({ layer: 0.5, neurons: [0], mode: 'zero' }), 'neuron-out-of-range', 'Layer 0.5');
  // Indices that an Int32Array would silently turn into valid ones (1.5 -> 1, 2^32 + 3 -> 3).
  await rejectsWith(edit({ layer: 0, neurons: [1.5], mode: 'zero' }), 'neuron-out-of-range', 'Neuron 1.5');
  await rejectsWith(edit({ layer: 0, neurons: [2 ** 32 + 3], mode: 'zero' }), 'neuron-out-of-range', 'Neuron 4294967299');
  await rejectsWith(edit({ layer: 0, neurons: [1], mode: 'set' }), 'bad-argument', '"set" edit needs a value');
  await rejectsWith(edit({ layer: 0, neurons: [1, 2], mode: 'add', value: [1] }), 'bad-argument', '2 neurons but 1 values');
  await rejectsWith(edit({ layer: 0, neurons: [1], mode: 'scale', value: NaN }), 'bad-argument', 'not a finite number');
  await rejectsWith(() => ctx.evaluate(tokens, { hooks: { recorder: new ActivationRecorder(3, 128) } }), 'bad-argument', '3 x 128', '2 x 128');
  await rejectsWith(() => ctx.evaluate(new Array(600).fill(5)), 'context-overflow', '600 tokens', 'context of 512');
  const nVocab = model.nVocab;
  await rejectsWith(() => ctx.evaluate([1, 5, nVocab]), 'bad-argument', `Token ${nVocab} at position 2`, `0 to ${nVocab - 1}`);
  await rejectsWith(() => ctx.evaluate([1, -3]), 'bad-argument', 'Token -3 at position 1');
  await rejectsWith(() => ctx.evaluate([1, 2.5]), 'bad-argument', 'Token 2.5');
  // None of this left a trace: the context gives the same logits as before.
  assert.deepEqual(ctx.evaluate(tokens), before);
  ctx.dispose();
});

/**
 * A recorder that runs `onLayer` each time a layer's counts are added. During llama_decode only
 * the eval callback runs JavaScript, so this is how a test gets in the middle of a batch.
 */
class SpyRecorder extends ActivationRecorder {
  constructor(nLayer: number, nFf: number, onLayer: (layer: number) => void) {
    super(nLayer, nFf);
    const target = this.tokensPerLayer;
    const spy = new Proxy(target, {
      get: (t, k) => {
        const v: unknown = Reflect.get(t, k, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
      set: (t, k, v) => {
        const ok = Reflect.set(t, k, v, t);
        if (typeof k === 'string') onLayer(Number(k));
        return ok;
      },
    });
    Object.defineProperty(this, 'tokensPerLayer', { value: spy });
  }
}

for (const where of ['the first batch, after layer 0', 'the second batch of three, after layer 0'] as const) {
  test(`an abort in the middle of ${where} stops the pass, and the context stays usable`, async () => {
    const model = await loadTestModel((await testModel({ arch: 'qwen2' })).path);
    const ctx = model.createContext({ ...EXACT, batchSize: 48 });
    const tokens = tokensOf(SAMPLE_TEXT);
    assert.ok(tokens.length > 2 * 48);
    const before = ctx.evaluate(tokens);
    const full = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(tokens, { hooks: { recorder: full }, logits: false });

    const controller = new AbortController();
    const abortAt = where.startsWith('the first') ? 1 : 2;
    let calls = 0;
    const spy = new SpyRecorder(model.nLayer, model.nFf, (layer) => {
      if (layer === 0 && ++calls === abortAt) controller.abort(new Error('the user cancelled'));
    });
    await rejectsWith(() => ctx.evaluate(tokens, { hooks: { recorder: spy }, signal: controller.signal }), 'aborted', 'the user cancelled');
    // It stopped right there: layer 1 of that batch never ran, and no later batch did.
    assert.deepEqual([...spy.tokensPerLayer], abortAt === 1 ? [48, 0] : [96, 48]);

    assert.deepEqual(ctx.evaluate(tokens), before);
    const again = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(tokens, { hooks: { recorder: again }, logits: false });
    assert.deepEqual(again.overZero, full.overZero);
    await rejectsWith(() => ctx.evaluate(tokens, { signal: controller.signal }), 'aborted');
    ctx.dispose();
  });
}

test('an abort during model loading, and a signal aborted before loading', async () => {
  const engine = await testEngine();
  const { path } = await testModel({ arch: 'llama' });
  const controller = new AbortController();
  let calls = 0;
  await rejectsWith(engine.loadModel(path, { signal: controller.signal, onProgress: () => (++calls, controller.abort()) }), 'aborted');
  assert.ok(calls >= 1, 'the progress callback ran');
  await rejectsWith(engine.loadModel(path, { signal: AbortSignal.abort() }), 'aborted');
  const model = await engine.loadModel(path);
  assert.equal(model.nLayer, 2);
  model.dispose();
});
