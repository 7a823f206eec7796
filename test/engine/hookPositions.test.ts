// Where generation applies its hooks: the prompt, the generated positions, or both. The
// engine's greedy continuations are compared with a greedy loop over the reference forward
// that edits exactly the positions the option names: 'prompt' is every prompt position but
// the last, 'generated' the prompt's last position (whose output is the first token) and
// every generated one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HookPositions, NeuronEdit, ResidualEdit } from '../../src/engine/index.ts';
import { referenceForward } from '../reference/llamaForward.ts';
import { referenceWeights } from './referenceModels.ts';
import { EXACT, loadTestModel, testModel, tokensOf } from './testModels.ts';

const { path, weights } = await testModel({ arch: 'llama', seed: 93, nLayer: 3 });
const ref = referenceWeights(weights)!;
const model = await loadTestModel(path);
const PROMPT = tokensOf('Tous les êtres humains naissent');
const STEPS = 8;
const nFf = model.nFf;
const E = model.facts.nEmbd;

// Strong edits of both kinds, so that every choice of positions changes the continuation.
const EDITS: NeuronEdit[] = [0, 1, 2].map((layer) => ({ layer, neurons: Array.from({ length: nFf / 2 }, (_, i) => 2 * i), mode: 'zero' }));
const RESIDUAL: ResidualEdit[] = [{ layer: 1, vector: Float32Array.from({ length: E }, (_, i) => (i % 3 === 0 ? 1.5 : -0.5)) }];

function referenceGreedy(edited: (position: number) => boolean): number[] {
  const tokens = [...PROMPT];
  const out: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const { logits } = referenceForward(ref, tokens, {
      edit: (layer, act, _up, t) => {
        if (!edited(t)) return;
        for (const e of EDITS) if (e.layer === layer) for (const j of Array.from(e.neurons)) act[j] = 0;
      },
      residual: (layer, x, t) => {
        if (!edited(t)) return;
        for (const r of RESIDUAL) if (r.layer === layer) for (let i = 0; i < E; i++) x[i] += r.vector[i];
      },
    });
    const last = logits[tokens.length - 1];
    let best = 0;
    for (let v = 1; v < last.length; v++) if (last[v] > last[best]) best = v;
    // The engine stops at end-of-generation without yielding it.
    if (model.isEndOfGeneration(best)) break;
    out.push(best);
    tokens.push(best);
  }
  return out;
}

async function engineGreedy(hookPositions?: HookPositions, hooks = true): Promise<number[]> {
  const ctx = model.createContext(EXACT);
  try {
    const out: number[] = [];
    for await (const c of ctx.generate(PROMPT, { maxTokens: STEPS, hooks: hooks ? { edits: EDITS, residualEdits: RESIDUAL } : undefined, hookPositions })) out.push(c.token);
    return out;
  } finally {
    ctx.dispose();
  }
}

test('hooks apply to the positions asked for, as the reference forward edited at those positions', async (t) => {
  const last = PROMPT.length - 1;
  const cases: [HookPositions, (t: number) => boolean][] = [
    ['all', () => true],
    ['prompt', (t) => t < last],
    ['generated', (t) => t >= last],
  ];
  const seen: number[][] = [await engineGreedy(undefined, false)];
  assert.deepEqual(seen[0], referenceGreedy(() => false), 'unsteered');
  for (const [positions, edited] of cases) {
    const got = await engineGreedy(positions);
    assert.deepEqual(got, referenceGreedy(edited), positions);
    seen.push(got);
  }
  // Negative control: the four continuations all differ, so the comparisons above tell the modes apart.
  t.diagnostic(`unsteered | all | prompt | generated: ${seen.map((s) => s.join(' ')).join(' | ')}`);
  const distinct = new Set(seen.map((s) => s.join(',')));
  assert.equal(distinct.size, 4, `continuations: ${seen.map((s) => s.join(' ')).join(' | ')}`);
  // The default is 'all'.
  assert.deepEqual(await engineGreedy(), seen[1]);
});
