// Native memory: loading, evaluating, failing and disposing many times leaves no memory
// behind, and a disposed object refuses to be used instead of touching freed memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import koffi from 'koffi';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ActivationRecorder, EngineError, LlamaEngine, type EngineModel } from '../../src/engine/index.ts';
import { EXACT, tempPath, testModel, tokensOf, writeVariantModel } from './testModels.ts';

const MB = 1024 * 1024;

function assertDisposed(f: () => unknown, what: string): void {
  assert.throws(f, (err: unknown) => err instanceof EngineError && err.code === 'disposed' && /disposed/.test(err.message), what);
}

// Collect garbage before each reading, so that arrays still waiting for the collector do not
// look like native memory. The flag can be set at run time; only the `gc` global needs a new
// context to appear in.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Memory freed by llama.cpp's threads can stay in glibc's arenas and count in RSS for a while;
// returning it to the system before each reading takes most of the noise out of the numbers.
const mallocTrim = (() => {
  try {
    return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
  } catch {
    return undefined; // not glibc: readings are noisier, the bounds below still hold
  }
})();

function rssMb(): number {
  gc();
  mallocTrim?.(0);
  return process.memoryUsage().rss / MB;
}

test('40 load, evaluate, fail and dispose cycles do not grow RSS; keeping models does', async (t) => {
  // ~9 MB of weights, mapped and touched by every load, plus a few MB of context buffers.
  const { path, weights } = await testModel({ arch: 'llama', nEmbd: 256, nFf: 1024, nHead: 4, seed: 61 });
  // llama.cpp parses this one and fails only when it creates the last layer's tensors.
  const refused = await writeVariantModel('missing-tensor.gguf', weights, { drop: 'blk.1.ffn_down.weight' });
  const notGguf = tempPath('not-a-model.bin');
  await writeFile(notGguf, Buffer.alloc(1024, 7));
  const tokens = tokensOf('Leave no native memory behind, leave no native memory behind.');
  const engine = await LlamaEngine.create();
  const use = (model: EngineModel) => {
    const ctx = model.createContext({ ...EXACT, contextSize: 256 });
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(tokens, { hooks: { recorder: rec, edits: [{ layer: 1, neurons: [1, 2, 3], mode: 'add', value: 0.5 }] } });
  };
  const cycle = async () => {
    const model = await engine.loadModel(path);
    use(model);
    // An abort inside llama.cpp's own loader, after it has started allocating.
    const controller = new AbortController();
    await assert.rejects(engine.loadModel(path, { signal: controller.signal, onProgress: () => controller.abort() }), { code: 'aborted' });
    await assert.rejects(engine.loadModel(notGguf), { code: 'not-gguf' });
    await assert.rejects(engine.loadModel(refused), { code: 'load-failed' });
    model.dispose(); // and with it, its context
  };
  for (let i = 0; i < 5; i++) await cycle();
  // Two halves: the allocator's arenas and caches grow at first and then level off, a leak
  // grows by the same amount in every cycle. So the second half must add almost nothing.
  const start = rssMb();
  for (let i = 0; i < 20; i++) await cycle();
  const middle = rssMb();
  for (let i = 0; i < 20; i++) await cycle();
  const end = rssMb();
  const growth = end - start;
  const lateGrowth = end - middle;

  // Positive control: models that are not disposed do show up in the same measurement.
  const kept: EngineModel[] = [];
  const before = rssMb();
  for (let i = 0; i < 5; i++) {
    kept.push(await engine.loadModel(path));
    use(kept[i]);
  }
  const keptGrowth = rssMb() - before;
  engine.dispose();
  const perModel = keptGrowth / 5;
  t.diagnostic(`RSS growth over 40 cycles after 5 warm-up cycles: ${growth.toFixed(1)} MB (${lateGrowth.toFixed(1)} MB in the last 20); one kept model: +${perModel.toFixed(1)} MB`);
  assert.ok(keptGrowth > 30, `5 kept models added only ${keptGrowth.toFixed(1)} MB`);
  // A model leaked per cycle would add 20 x perModel (~250 MB) in the last 20 cycles, a context
  // or the failed loads' buffers tens of MB; the allocator's drift stays within a few MB.
  assert.ok(lateGrowth < Math.min(30, 2 * perModel), `RSS grew by ${lateGrowth.toFixed(1)} MB in the last 20 cycles (${growth.toFixed(1)} MB in 40)`);
  assert.ok(growth < 150, `RSS grew by ${growth.toFixed(1)} MB in 40 cycles`);
});

test('using a disposed context, model or engine throws EngineError "disposed"', async () => {
  const { path } = await testModel({ arch: 'llama' });
  const engine = await LlamaEngine.create();
  const model = await engine.loadModel(path);
  const tokens = model.tokenize('abc');
  const ctx = model.createContext(EXACT);
  ctx.evaluate(tokens);
  ctx.dispose();
  ctx.dispose(); // twice is harmless
  assertDisposed(() => ctx.evaluate(tokens), 'evaluate on a disposed context');
  assertDisposed(() => ctx.scoreTokens(tokens), 'scoreTokens on a disposed context');
  assertDisposed(() => ctx.generate(tokens), 'generate on a disposed context');

  const other = model.createContext(EXACT);
  model.dispose();
  assertDisposed(() => other.evaluate(tokens), 'a context of a disposed model');
  assertDisposed(() => model.createContext(EXACT), 'createContext');
  assertDisposed(() => model.tokenize('abc'), 'tokenize');
  assertDisposed(() => model.detokenize([]), 'detokenize');
  assertDisposed(() => model.tokenBytes(tokens[1]), 'tokenBytes');
  assertDisposed(() => model.isEndOfGeneration(model.eos), 'isEndOfGeneration');

  const second = await engine.loadModel(path);
  const secondCtx = second.createContext(EXACT);
  engine.dispose();
  assert.ok(second.isDisposed, 'disposing the engine disposes its models');
  assertDisposed(() => secondCtx.evaluate(tokens), 'a context of a disposed engine');
  await assert.rejects(engine.loadModel(path), { code: 'disposed' });
});
