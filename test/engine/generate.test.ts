// The generation loop: determinism, seeds, stop strings, maxTokens, abort, and hooks that
// apply to every generated token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivationRecorder, EngineError, type EngineContext, type GenerateOptions, type StopReason } from '../../src/engine/index.ts';
import { EXACT, loadTestModel, testModel } from './testModels.ts';

const { path } = await testModel({ arch: 'llama', seed: 71 });
const model = await loadTestModel(path);
const ctx = model.createContext({ ...EXACT, exact: false });
const PROMPT = model.tokenize('The quick brown fox');

interface Generated {
  tokens: number[];
  text: string;
  reason: StopReason;
}

async function generate(c: EngineContext, options: GenerateOptions): Promise<Generated> {
  const it = c.generate(PROMPT, options);
  const tokens: number[] = [];
  let text = '';
  for (;;) {
    const r = await it.next();
    if (r.done) return { tokens, text, reason: r.value };
    tokens.push(r.value.token);
    text += r.value.text;
  }
}

test('greedy generation is deterministic, and maxTokens is respected', async () => {
  const a = await generate(ctx, { maxTokens: 24 });
  const b = await generate(ctx, { maxTokens: 24 });
  assert.deepEqual(a, b);
  assert.equal(a.tokens.length, 24);
  assert.equal(a.reason, 'max-tokens');
  assert.ok(new Set(a.tokens).size > 1, 'the continuation is not one token repeated');
  // A fresh context gives the same continuation: nothing depends on earlier calls.
  const other = model.createContext({ ...EXACT, exact: false });
  assert.deepEqual((await generate(other, { maxTokens: 24 })).tokens, a.tokens);
  other.dispose();
  const five = await generate(ctx, { maxTokens: 5 });
  assert.deepEqual(five.tokens, a.tokens.slice(0, 5));
  assert.equal(five.reason, 'max-tokens');
  assert.equal((await generate(ctx, { maxTokens: 0 })).tokens.length, 0);
});

test('sampling with a temperature and a seed is reproducible; another seed differs', async () => {
  const opts = { maxTokens: 24, temperature: 1, topK: 40, topP: 0.95, seed: 1234 };
  const a = await generate(ctx, opts);
  const b = await generate(ctx, opts);
  assert.deepEqual(a.tokens, b.tokens);
  const c = await generate(ctx, { ...opts, seed: 4321 });
  assert.notDeepEqual(c.tokens, a.tokens);
  const greedy = await generate(ctx, { maxTokens: 24 });
  assert.notDeepEqual(a.tokens, greedy.tokens, 'temperature 1 does not reduce to greedy');
});

test('a stop string ends generation right after the text that completes it', async () => {
  const full = await generate(ctx, { maxTokens: 40 });
  // A stop string from the middle of the greedy text; generation must stop at its first end.
  const from = Math.floor(full.text.length / 3);
  const stop = full.text.slice(from, from + 2);
  const end = full.text.indexOf(stop) + stop.length;
  const stopped = await generate(ctx, { maxTokens: 40, stop: ['a string that never appears', stop] });
  assert.equal(stopped.reason, 'stop-string');
  assert.equal(stopped.text, full.text.slice(0, end));
  assert.deepEqual(stopped.tokens, full.tokens.slice(0, stopped.tokens.length));
  assert.ok(stopped.tokens.length < full.tokens.length);
});

test('aborting while iterating stops within one token, with EngineError "aborted"', async () => {
  const controller = new AbortController();
  const it = ctx.generate(PROMPT, { maxTokens: 50, signal: controller.signal });
  let yielded = 0;
  let afterAbort = 0;
  let error: unknown;
  try {
    for await (const _chunk of it) {
      yielded++;
      if (controller.signal.aborted) afterAbort++;
      if (yielded === 3) controller.abort(new Error('stop generating'));
    }
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof EngineError && error.code === 'aborted', String(error));
  assert.ok(afterAbort <= 1, `${afterAbort} tokens after the abort`);
  assert.equal(yielded, 3 + afterAbort);
  // The context is still usable.
  assert.equal((await generate(ctx, { maxTokens: 3 })).tokens.length, 3);
});

test('hooks apply during generation: observed on every decoded token, and edits change the text', async () => {
  const rec = new ActivationRecorder(model.nLayer, model.nFf);
  const observed = await generate(ctx, { maxTokens: 10, hooks: { recorder: rec } });
  const plain = await generate(ctx, { maxTokens: 10 });
  assert.deepEqual(observed.tokens, plain.tokens, 'observing changes nothing');
  // The prompt, then each generated token but the last (sampled, never decoded). The last
  // layer only computes the rows that have outputs: one per decode.
  assert.equal(rec.tokensPerLayer[0], PROMPT.length + 9);
  assert.equal(rec.tokensPerLayer[model.nLayer - 1], 10);

  const half = Array.from({ length: model.nFf / 2 }, (_, i) => 2 * i);
  const edits = Array.from({ length: model.nLayer }, (_, layer) => ({ layer, neurons: half, mode: 'zero' as const }));
  const zeroed = await generate(ctx, { maxTokens: 10, hooks: { edits } });
  assert.notDeepEqual(zeroed.tokens, plain.tokens);
});
