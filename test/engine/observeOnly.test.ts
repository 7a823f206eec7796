// Observing must not change what the model computes: a context whose hooks only observe gives
// logits bit-identical to a context without hooks, although the hooks split llama.cpp's graph
// at every FFN tensor they ask for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivationRecorder, type ContextOptions } from '../../src/engine/index.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { EXACT, SAMPLE_TEXT, loadTestModel, maxAbsDiff, testModel, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);

for (const arch of SYNTHETIC_ARCHS) {
  test(`${arch}: observe-only hooks leave the logits bit-identical, in exact and default contexts`, async () => {
    const model = await loadTestModel((await testModel({ arch, seed: 91 })).path);
    for (const exact of [true, false]) {
      // Two batches, so the second one reads a KV cache written while hooks were active.
      const options: ContextOptions = { ...EXACT, exact, batchSize: 96 };
      const plainCtx = model.createContext(options);
      const hookedCtx = model.createContext(options);
      const plain = plainCtx.evaluate(TOKENS);
      const rec = new ActivationRecorder(model.nLayer, model.nFf);
      const observed = hookedCtx.evaluate(TOKENS, { hooks: { recorder: rec, edits: [] } });
      assert.equal(rec.tokens, TOKENS.length, 'the hooks did run');
      assert.equal(maxAbsDiff(plain, observed), 0, exact ? 'exact context' : 'default context');
      // And the hooked context, used again without hooks, still agrees.
      assert.equal(maxAbsDiff(plain, hookedCtx.evaluate(TOKENS)), 0);
      // Negative control: the smallest real edit is visible at this precision.
      const nudged = hookedCtx.evaluate(TOKENS, { hooks: { recorder: rec, edits: [{ layer: 0, neurons: [7], mode: 'scale', value: 1.001 }] } });
      assert.ok(maxAbsDiff(plain, nudged) > 0);
      plainCtx.dispose();
      hookedCtx.dispose();
    }
  });
}
