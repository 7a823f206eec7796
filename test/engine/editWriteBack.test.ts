// Edits move only the edited columns between the backend and the host (editTransfer 'columns').
// They must give exactly what moving the whole FFN tensor both ways gives ('tensor', the former
// way): the same log-probabilities bit for bit and the same steered generation, for every mode,
// for neurons in runs and scattered, repeated across edits, in the first and the last layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineContext, NeuronEdit } from '../../src/engine/index.ts';
import { SYNTHETIC_ARCHS } from '../../src/gguf/syntheticArch.ts';
import { EXACT, SAMPLE_TEXT, loadTestModel, testModel, tokensOf } from './testModels.ts';

const TOKENS = tokensOf(SAMPLE_TEXT);

const EDITS: NeuronEdit[] = [
  { layer: 0, neurons: [0, 1, 2, 3, 40, 41, 127], mode: 'set', value: [0.9, -0.4, 1.3, 0.2, 0.7, -1, 2] },
  { layer: 0, neurons: [3, 60, 61, 62], mode: 'add', value: 0.6 },
  { layer: 1, neurons: Array.from({ length: 20 }, (_, i) => 10 + 3 * i), mode: 'scale', value: 2.5 },
  { layer: 1, neurons: [100, 101, 102, 126, 127], mode: 'zero' },
  { layer: 1, neurons: [100, 13], mode: 'add', value: -0.7 },
];

async function generated(ctx: EngineContext): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of ctx.generate(TOKENS.slice(0, 12), { maxTokens: 16, hooks: { edits: EDITS } })) out.push(chunk.token);
  return out;
}

for (const arch of SYNTHETIC_ARCHS) {
  test(`${arch}: column-only write-back gives bit-identical perplexity and generation, and moves only the edited columns`, async () => {
    const model = await loadTestModel((await testModel({ arch, seed: 64 })).path);
    const ctx = model.createContext({ ...EXACT, exact: false });
    try {
      const run = async (transfer: 'columns' | 'tensor') => {
        ctx.dispatcher.editTransfer = transfer;
        ctx.dispatcher.editBytes = 0;
        const lp = ctx.scoreTokens(TOKENS, { hooks: { edits: EDITS } });
        const bytes = ctx.dispatcher.editBytes;
        return { lp, bytes, tokens: await generated(ctx) };
      };
      const columns = await run('columns');
      const tensor = await run('tensor');
      assert.deepEqual(columns.lp, tensor.lp);
      assert.deepEqual(columns.tokens, tensor.tokens);
      assert.notDeepEqual(columns.lp, ctx.scoreTokens(TOKENS), 'the edits matter');

      // One decode of every position: each edited layer's tensors have TOKENS.length rows.
      const gated = arch !== 'bloom';
      const expected = (whole: boolean) => [0, 1].reduce((sum, layer) => {
        const list = EDITS.filter((e) => e.layer === layer);
        const distinct = new Set(list.flatMap((e) => Array.from(e.neurons))).size;
        const needsUp = gated && list.some((e) => e.mode === 'set' || e.mode === 'add');
        return sum + 4 * TOKENS.length * ((whole ? 2 * model.nFf : 2 * distinct) + (needsUp ? distinct : 0));
      }, 0);
      assert.equal(columns.bytes, expected(false));
      assert.equal(tensor.bytes, expected(true));
    } finally {
      ctx.dispatcher.editTransfer = 'columns';
      ctx.dispose();
    }
  });
}
