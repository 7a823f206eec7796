// KV-cache reuse between generations (GenerateOptions.reuseCache), as ghost text uses it while
// the user types. Each claim is checked against a fresh cache: for every step of an edit
// sequence (typing, accepting the ghost text, deleting, editing in the middle, repeating,
// switching the steering set and back), the greedy continuation with reuse must equal,
// token for token, the one a cleared context gives. The decoded-token count shows that reuse
// happened, against a prefix worked out here from what each step left in the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineContext, EngineModel, HookPositions, Hooks, NeuronEdit, ResidualEdit } from '../../src/engine/index.ts';
import { hooksKey } from '../../src/engine/hooks/hooksKey.ts';
import { EXACT, loadTestModel, maxAbsDiff, testModel, tokensOf } from './testModels.ts';

const MAX_TOKENS = 8;
const BASE = tokensOf('Tous les êtres humains naissent libres et égaux en dignité et en droits.');

interface Run {
  tokens: number[];
  /** Tokens decoded before the first token was sampled: the prompt tokens evaluated. */
  evaluated: number;
  /** What the cache holds afterwards: the prompt and every generated token that was decoded. */
  held: number[];
}

async function generate(ctx: EngineContext, prompt: number[], hooks: Hooks | undefined, hookPositions: HookPositions, reuseCache: boolean): Promise<Run> {
  const before = ctx.decodedTokens;
  let evaluated: number | undefined;
  const tokens: number[] = [];
  const it = ctx.generate(prompt, { maxTokens: MAX_TOKENS, hooks, hookPositions, reuseCache });
  for (;;) {
    const r = await it.next();
    evaluated ??= ctx.decodedTokens - before;
    if (r.done) {
      // At maxTokens the last token is sampled but never decoded; an end-of-generation token is neither yielded nor decoded.
      const held = [...prompt, ...(r.value === 'max-tokens' ? tokens.slice(0, -1) : tokens)];
      return { tokens, evaluated, held };
    }
    tokens.push(r.value.token);
  }
}

/** Edits under which each position of `held` was computed, as generateText applies `hookPositions`. */
function keysOf(held: number[], promptLength: number, key: string, positions: HookPositions): string[] {
  return held.map((_, i) => {
    if (positions === 'all') return key;
    const generated = i >= promptLength - 1;
    return generated === (positions === 'generated') ? key : '';
  });
}

/** The steps: each makes the next prompt from the last prompt and its continuation. */
type Step = { name: string; steering: 'A' | 'B' | 'none'; prompt: (last: number[], continuation: number[]) => number[] };
const bytes = (s: string) => tokensOf(s).slice(1);
const STEPS: Step[] = [
  { name: 'first request', steering: 'A', prompt: () => BASE },
  { name: 'typing one character', steering: 'A', prompt: (p) => [...p, ...bytes(' ')] },
  { name: 'typing two more', steering: 'A', prompt: (p) => [...p, ...bytes('Il')] },
  { name: 'accepting the ghost text', steering: 'A', prompt: (p, c) => [...p, ...c] },
  { name: 'typing after it', steering: 'A', prompt: (p) => [...p, ...bytes('s')] },
  { name: 'deleting five characters', steering: 'A', prompt: (p) => p.slice(0, -5) },
  { name: 'editing in the middle', steering: 'A', prompt: (p) => p.map((t, i) => (i === 20 ? bytes('X')[0] : t)) },
  { name: 'the same prompt again', steering: 'A', prompt: (p) => p },
  { name: 'switching the steering set', steering: 'B', prompt: (p) => p },
  { name: 'typing under it', steering: 'B', prompt: (p) => [...p, ...bytes('e')] },
  { name: 'switching back', steering: 'A', prompt: (p) => p },
  { name: 'no steering', steering: 'none', prompt: (p) => p },
  { name: 'typing without steering', steering: 'none', prompt: (p) => [...p, ...bytes('!')] },
];

function steeringSets(model: EngineModel): Record<'A' | 'B' | 'none', Hooks | undefined> {
  const layers = Array.from({ length: model.nLayer }, (_, layer) => layer);
  const half = (odd: number) => Array.from({ length: model.nFf / 2 }, (_, i) => 2 * i + odd);
  const a: NeuronEdit[] = layers.map((layer) => ({ layer, neurons: half(0), mode: 'zero' }));
  const b: NeuronEdit[] = layers.map((layer) => ({ layer, neurons: half(1), mode: 'scale', value: 3 }));
  const residual: ResidualEdit[] = [{ layer: 0, vector: Float32Array.from({ length: model.facts.nEmbd }, (_, i) => (i % 3 === 0 ? 1.5 : -0.5)) }];
  return { A: { edits: a }, B: { edits: b, residualEdits: residual }, none: undefined };
}

async function checkSequence(model: EngineModel, positions: HookPositions): Promise<void> {
  const sets = steeringSets(model);
  const reused = model.createContext(EXACT);
  const fresh = model.createContext(EXACT);
  try {
    let prompt: number[] = [];
    let continuation: number[] = [];
    let held: number[] = [];
    let heldKeys: string[] = [];
    let saved = 0;
    for (const step of STEPS) {
      prompt = step.prompt(prompt, continuation);
      const hooks = sets[step.steering];
      const key = hooksKey(hooks);
      const want = await generate(fresh, prompt, hooks, positions, false);
      const got = await generate(reused, prompt, hooks, positions, true);
      assert.deepEqual(got.tokens, want.tokens, `${positions}, ${step.name}: the same continuation as a fresh cache`);
      assert.equal(want.evaluated, prompt.length, 'without reuse the whole prompt is evaluated');
      // The positions that hold the same token under the same edits, but never the last
      // prompt token: its logits give the first token.
      const keys = keysOf(prompt, prompt.length, key, positions);
      let kept = 0;
      while (kept < prompt.length - 1 && kept < held.length && held[kept] === prompt[kept] && heldKeys[kept] === keys[kept]) kept++;
      assert.equal(got.evaluated, prompt.length - kept, `${positions}, ${step.name}: ${kept} cached tokens are kept`);
      saved += kept;
      held = got.held;
      heldKeys = keysOf(held, prompt.length, key, positions);
      continuation = got.tokens;
    }
    assert.ok(saved > 4 * BASE.length, `reuse saved only ${saved} tokens`);
  } finally {
    reused.dispose();
    fresh.dispose();
  }
}

const models = {
  llama: await loadTestModel((await testModel({ arch: 'llama', seed: 131 })).path),
  gemma3: await loadTestModel((await testModel({ arch: 'gemma3', seed: 131 })).path),
};

for (const arch of ['llama', 'gemma3'] as const) {
  const model = models[arch];

  for (const positions of ['all', 'generated', 'prompt'] as const) {
    test(`${arch}: reuse gives a fresh cache's greedy tokens through typing, deleting and steering switches (hooks on ${positions} positions)`, async () => {
      await checkSequence(model, positions);
    });
  }

  test(`${arch}: a cache filled under edits gives other logits if reused without them (negative control)`, async () => {
    const { A } = steeringSets(model);
    const ctx = model.createContext(EXACT);
    try {
      const plain = ctx.evaluate(BASE, { outputs: 'last' });
      for await (const _ of ctx.generate(BASE, { maxTokens: 2, hooks: A })) void _;
      // Pretend the steered positions were unsteered: what ignoring the key would do.
      const kept = ctx.keepPrefix(BASE, hooksKey(A), BASE.length - 1);
      assert.equal(kept, BASE.length - 1);
      const stale = ctx.decode(BASE.slice(kept), kept, { outputs: 'last' });
      assert.ok(maxAbsDiff(stale, plain) > 1e-2, 'the edits leave their mark on the cache');
      // The honest key keeps nothing, and the logits are a fresh cache's.
      assert.equal(ctx.keepPrefix(BASE, '', BASE.length - 1), 0);
      assert.ok(maxAbsDiff(ctx.decode(BASE, 0, { outputs: 'last' }), plain) < 1e-5);
    } finally {
      ctx.dispose();
    }
  });
}

test('hooksKey: equal edits give equal keys, whatever the arrays; any change gives another', () => {
  const e: NeuronEdit = { layer: 1, neurons: [3, 5], mode: 'set', value: [0.5, 1] };
  assert.equal(hooksKey(undefined), '');
  assert.equal(hooksKey({ edits: [] }), '');
  assert.equal(hooksKey({ edits: [e] }), hooksKey({ edits: [{ ...e, neurons: Int32Array.of(3, 5), value: Float32Array.of(0.5, 1) }] }));
  const variants: Hooks[] = [
    { edits: [{ ...e, layer: 0 }] },
    { edits: [{ ...e, neurons: [3, 6] }] },
    { edits: [{ ...e, mode: 'add' }] },
    { edits: [{ ...e, value: [0.5, 2] }] },
    { edits: [{ ...e, value: 0.5 }] },
    { edits: [e], residualEdits: [{ layer: 1, vector: [1, 2] }] },
  ];
  const keys = new Set([hooksKey({ edits: [e] }), ...variants.map(hooksKey)]);
  assert.equal(keys.size, variants.length + 1);
});

test('gemma3 with a window-sized SWA cache: an edit further back than the window starts over, with the same tokens', async () => {
  const model = models.gemma3;
  // 16-token batches make llama.cpp size the SWA cache at 256 cells (the window plus a batch,
  // padded), so a 300-token prompt overwrites its oldest positions.
  const options = { ...EXACT, batchSize: 16, swaFull: false };
  const reused = model.createContext(options);
  const fresh = model.createContext(options);
  try {
    const long = tokensOf('Tous les êtres humains naissent libres et égaux en dignité et en droits. '.repeat(4)).slice(0, 300);
    const steps = [long, [...long, ...bytes('Il')], [...long.slice(0, 20), ...bytes('X'), ...long.slice(21)]];
    const evaluated: number[] = [];
    for (const prompt of steps) {
      const want = await generate(fresh, prompt, undefined, 'all', false);
      const got = await generate(reused, prompt, undefined, 'all', true);
      assert.deepEqual(got.tokens, want.tokens);
      evaluated.push(got.evaluated);
    }
    // Typing reuses the cache: the window is still there.
    assert.equal(evaluated[1], 2);
    // Position 20 is long gone from the sliding-window cache, so nothing can be kept.
    assert.equal(evaluated[2], steps[2].length);
  } finally {
    reused.dispose();
    fresh.dispose();
  }
});
