// The early stop of observe-only passes: it must not change the counts (the last layer's
// included), it must never happen when logits are read or edits are applied, a stopped pass
// must refuse to hand out its logits, and callbacks that come after the stop (another split,
// as with partial GPU offload) must be answered "not wanted" without losing any count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivationRecorder, EngineError, type EngineContext, type NeuronEdit } from '../../src/engine/index.ts';
import { EarlyStop } from '../../src/engine/hooks/EarlyStop.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { EXACT, SAMPLE_TEXT, loadTestModel, testModel, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);

test('EarlyStop: stops after the last layer only when every layer came first, and counts later splits', () => {
  const s = new EarlyStop(3);
  s.begin(true);
  assert.equal(s.handledPre(0), false);
  assert.equal(s.handledPre(1), false);
  assert.equal(s.afterStop(), false);
  assert.equal(s.handledPre(2), true, 'one split: stop after the last layer');
  assert.equal(s.stopped, true);
  // A second split after the stop: its nodes are counted and not wanted.
  assert.equal(s.afterStop(), true);
  assert.equal(s.afterStop(), true);
  assert.equal(s.laterSplitCalls, 2);

  s.begin(true);
  assert.equal(s.stopped, false, 'each llama_decode starts afresh');
  assert.equal(s.laterSplitCalls, 0);
  s.handledPre(0);
  assert.equal(s.handledPre(2), false, 'layer 1 was not seen in this decode: no stop');
  assert.equal(s.afterStop(), false);

  s.begin(false);
  for (const l of [0, 1]) s.handledPre(l);
  assert.equal(s.handledPre(2), false, 'not enabled: no stop');
  assert.equal(s.stops, 1);
});

function counts(ctx: EngineContext, nLayer: number, nFf: number, logits: boolean, edits?: NeuronEdit[]) {
  const rec = new ActivationRecorder(nLayer, nFf);
  const before = ctx.dispatcher.earlyStop.stops;
  ctx.evaluate(TOKENS, { hooks: { recorder: rec, edits }, logits });
  return { rec, stops: ctx.dispatcher.earlyStop.stops - before, laterSplitCalls: ctx.dispatcher.earlyStop.laterSplitCalls };
}

for (const arch of SYNTHETIC_ARCHS) {
  test(`${arch}: counts with the early stop equal counts of full passes, and only observe-only passes without logits stop`, async () => {
    const model = await loadTestModel((await testModel({ arch, nLayer: 3, seed: 81 })).path);
    // Three batches: the later ones attend to a KV cache written by stopped passes.
    const ctx = model.createContext({ ...EXACT, batchSize: 64 });
    const { nLayer, nFf } = model;
    const last = nLayer - 1;
    try {
      const stopped = counts(ctx, nLayer, nFf, false);
      assert.equal(stopped.stops, 3, 'every batch stopped early');
      assert.equal(stopped.laterSplitCalls, 0, 'on the CPU the graph is one split');
      assert.equal(ctx.hasLogits, false);
      assert.throws(() => ctx.nativeHandle, (e: unknown) => e instanceof EngineError && e.code === 'logits-invalid');

      const full = counts(ctx, nLayer, nFf, true);
      assert.equal(full.stops, 0, 'a pass that reads logits never stops early');
      assert.equal(ctx.hasLogits, true);
      assert.deepEqual(stopped.rec.tokensPerLayer, full.rec.tokensPerLayer);
      assert.equal(stopped.rec.tokensPerLayer[last], TOKENS.length, 'the last layer saw every token');
      assert.deepEqual(stopped.rec.overZero, full.rec.overZero);
      assert.deepEqual(stopped.rec.sumAct, full.rec.sumAct);
      const lastLayer = stopped.rec.overZero.subarray(last * nFf);
      assert.ok(lastLayer.some((c) => c > 0) && lastLayer.some((c) => c < TOKENS.length), 'the last layer has real counts');

      // Edits change what later layers see; an edited pass must run whole even without logits.
      const edits: NeuronEdit[] = [{ layer: 0, neurons: [1, 2, 3, 50], mode: 'scale', value: 4 }];
      const edited = counts(ctx, nLayer, nFf, false, edits);
      assert.equal(edited.stops, 0, 'an edited pass never stops early');
      assert.deepEqual(edited.rec.overZero, counts(ctx, nLayer, nFf, true, edits).rec.overZero);
      assert.notDeepEqual(edited.rec.overZero, full.rec.overZero, 'the edit matters');

      // scoreTokens and generation read logits: no stop, and sampling works after a stopped pass.
      const before = ctx.dispatcher.earlyStop.stops;
      ctx.scoreTokens(TOKENS, { hooks: { recorder: new ActivationRecorder(nLayer, nFf) } });
      counts(ctx, nLayer, nFf, false);
      const gen = ctx.generate(TOKENS.slice(0, 8), { maxTokens: 2, hooks: { recorder: new ActivationRecorder(nLayer, nFf) } });
      while (!(await gen.next()).done);
      assert.equal(ctx.dispatcher.earlyStop.stops - before, 3, 'only the observe-only pass stopped');
    } finally {
      ctx.dispose();
    }
  });
}
