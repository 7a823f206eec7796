// scoreTokens reads each row's log-softmax in place from llama.cpp's output buffer. It must give
// what the full-copy path gives: every position's logits copied out by evaluate, then the
// float64 log-softmax (src/engine/logits.ts) at the next token. Batches smaller than the
// sequence check that rows map to the right tokens across llama_decode calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NeuronEdit } from '../../src/engine/index.ts';
import { logSoftmaxAt } from '../../src/engine/logits.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { EXACT, SAMPLE_TEXT, loadTestModel, maxAbsDiff, testModel, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);
const EDITS: NeuronEdit[] = [
  { layer: 0, neurons: [1, 5, 9, 40, 77, 127], mode: 'zero' },
  { layer: 1, neurons: [3, 4, 90], mode: 'scale', value: 3 },
];

for (const arch of SYNTHETIC_ARCHS) {
  test(`${arch}: scoreTokens equals the log-softmax of the copied logits, plain and edited, across batches`, async (t) => {
    const model = await loadTestModel((await testModel({ arch, seed: 61 })).path);
    const ctx = model.createContext({ ...EXACT, batchSize: 64 });
    try {
      const nVocab = model.nVocab;
      const fullCopy = (edits?: NeuronEdit[]) => {
        const logits = ctx.evaluate(TOKENS, { hooks: edits ? { edits } : undefined });
        return TOKENS.slice(1).map((next, i) => logSoftmaxAt(logits, i, nVocab, next));
      };
      assert.ok(TOKENS.length > 2 * 64, 'the sequence spans three batches');
      const plain = ctx.scoreTokens(TOKENS);
      const edited = ctx.scoreTokens(TOKENS, { hooks: { edits: EDITS } });
      assert.equal(plain.length, TOKENS.length - 1);
      const dPlain = maxAbsDiff(plain, fullCopy());
      const dEdited = maxAbsDiff(edited, fullCopy(EDITS));
      const moved = maxAbsDiff(plain, edited);
      t.diagnostic(`${arch}: max |Δ log p| plain ${dPlain.toExponential(2)}, edited ${dEdited.toExponential(2)}; the edits move log p by ${moved.toFixed(3)}`);
      assert.ok(dPlain <= 1e-5, `plain: ${dPlain}`);
      assert.ok(dEdited <= 1e-5, `edited: ${dEdited}`);
      assert.ok(moved > 1e-3, 'the edits matter, so the edited comparison is not the plain one again');
      // One token scores nothing; out-of-vocabulary tokens are refused as by evaluate.
      assert.equal(ctx.scoreTokens(TOKENS.slice(0, 1)).length, 0);
      assert.throws(() => ctx.scoreTokens([TOKENS[0], nVocab]), /not in the vocabulary/);
    } finally {
      ctx.dispose();
    }
  });
}
