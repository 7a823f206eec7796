// The batch a context gets: bounded by the logits it would hold, not by habit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchSizeFor, LOGITS_BUDGET_BYTES } from '../../src/pipeline/EngineSession.ts';

test("Gemma's 262,144-word vocabulary gets 128-token batches; a 32k vocabulary keeps 512", () => {
  assert.equal(batchSizeFor(262_144, 512), 128);
  assert.equal(batchSizeFor(32_000, 512), 512);
  // Qwen2.5's 151,936 words: 220 tokens fit, rounded down to a multiple of 32.
  assert.equal(batchSizeFor(151_936, 4096), 192);
});

test('every batch keeps its logits within the budget, and never exceeds the context', () => {
  for (const nVocab of [256, 32_000, 49_152, 128_256, 151_936, 256_000, 262_144]) {
    for (const ctx of [16, 64, 256, 512, 8192]) {
      const b = batchSizeFor(nVocab, ctx);
      assert.ok(b <= ctx, `${nVocab}/${ctx}: batch ${b} > context`);
      assert.ok(b <= 512);
      if (b > 32) assert.ok(b * nVocab * 4 <= LOGITS_BUDGET_BYTES, `${nVocab}/${ctx}: ${b} tokens of logits exceed the budget`);
    }
  }
});

test('an unknown vocabulary size (0) falls back to 512 within the context', () => {
  assert.equal(batchSizeFor(0, 2048), 512);
  assert.equal(batchSizeFor(0, 100), 100);
});
