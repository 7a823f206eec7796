// The steering study's pure parts: how each figure of its table is made, and which method
// it calls best. No model: the continuations are written by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestMethod, makeCell, markdownTable, pooledPerplexity, successShare, summarizeMethods, type Cell, type Continuation } from '../../scripts/steering-study/metrics.ts';
import { seededSample } from '../../scripts/steering-study/prompts.ts';
import { studyMethods, upperBlocks } from '../../scripts/steering-study/methods.ts';

const cont = (language: string | null, logProbs: number[], promptSet: Continuation['promptSet'] = 'mvicuna', logProbsAlone = logProbs): Continuation => ({ promptSet, prompt: 'p', text: 't', language, logProbs, logProbsAlone });

test('perplexity is pooled over tokens, not averaged over texts', () => {
  // One long text at ppl e and one single token at ppl e^5: pooled is exp((10·1 + 5)/11), far from the mean of the two.
  const p = pooledPerplexity([Array(10).fill(-1), [-5]]);
  assert.ok(Math.abs(p! - Math.exp(15 / 11)) < 1e-12);
  assert.equal(pooledPerplexity([[], []]), null);
});

test('success is the share identified as the target; an unidentified text is a failure', () => {
  assert.equal(successShare([cont('fr', []), cont(null, []), cont('en', []), cont('fr', [])], 'fr'), 0.5);
  assert.equal(successShare([], 'fr'), 0);
});

test('a cell splits success by prompt set and keeps the unsteered perplexity beside the steered one', () => {
  const steered = [cont('zh', [-2, -2], 'neutral', [-3]), cont('en', [-2], 'mvicuna', [-3])];
  const base = [cont('en', [-1], 'neutral', [-0.5]), cont('en', [-1], 'mvicuna', [-0.5])];
  const c = makeCell('zh', 'm', steered, base, { mean: 0.1, byLanguage: { en: 0.1 } });
  assert.deepEqual([c.success, c.successNeutral, c.successMvicuna, c.n], [0.5, 1, 0, 2]);
  assert.ok(Math.abs(c.fluencyPpl! - Math.exp(2)) < 1e-12);
  assert.ok(Math.abs(c.baselinePpl! - Math.exp(1)) < 1e-12);
  assert.ok(Math.abs(c.fluencyAlonePpl! - Math.exp(3)) < 1e-12);
  assert.ok(Math.abs(c.baselineAlonePpl! - Math.exp(0.5)) < 1e-12);
});

function cell(method: string, target: string, success: number, fluencyPpl: number | null, baselinePpl = 10, inContext?: { ppl: number; base: number }): Cell {
  return {
    target, method, n: 10, success, successNeutral: success, successMvicuna: success,
    fluencyAlonePpl: fluencyPpl, baselineAlonePpl: baselinePpl,
    fluencyPpl: inContext ? inContext.ppl : fluencyPpl, baselinePpl: inContext ? inContext.base : baselinePpl,
    sideEffect: null, sideEffectByLanguage: null,
  };
}

test('fluency is judged on the continuation alone; the in-context ratio is reported beside it and can be chosen instead', () => {
  const cells = [
    cell('unsteered', 'fr', 0, 10, 10, { ppl: 3, base: 3 }),
    // Fluent French on its own (1.2x), but 5x as improbable right after an English prompt.
    cell('switch', 'fr', 0.9, 12, 10, { ppl: 15, base: 3 }),
  ];
  const [s] = summarizeMethods(cells);
  assert.equal(s.fluent, true);
  assert.ok(Math.abs(s.worstFluencyRatio! - 1.2) < 1e-12);
  assert.ok(Math.abs(s.worstInContextRatio! - 5) < 1e-12);
  const [strict] = summarizeMethods(cells, 'unsteered', { gainPoints: 40, targets: 1, fluencyFactor: 2, fluencyBasis: 'inContext' });
  assert.equal(strict.fluent, false);
  assert.equal(strict.meetsAcceptance, false);
});

test('the best method has the largest mean gain among those within 2x fluency for every target', () => {
  const targets = ['zh', 'fr', 'es', 'vi', 'id', 'ja'];
  const cells = [
    ...targets.map((t) => cell('unsteered', t, 0.1, 10)),
    // Gains 80 points everywhere, but one target's text is 2.5x as perplexing: not fluent, so not best.
    ...targets.map((t, i) => cell('loud', t, 0.9, i === 0 ? 25 : 12)),
    // Gains 50 points on 4 targets, 0 on 2: mean 33.3, fluent, meets acceptance.
    ...targets.map((t, i) => cell('good', t, i < 4 ? 0.6 : 0.1, 19)),
    // Fluent, but gains only 39 points on every target: mean 39 beats 'good', yet it meets no target.
    ...targets.map((t) => cell('even', t, 0.49, 11)),
  ];
  const s = summarizeMethods(cells);
  assert.deepEqual(s.map((x) => x.method), ['loud', 'good', 'even']);
  const loud = s[0];
  assert.equal(loud.fluent, false);
  assert.equal(loud.meetsAcceptance, false);
  assert.equal(s[1].targetsMeetingGain, 4);
  assert.equal(s[1].meetsAcceptance, true);
  const best = bestMethod(s)!;
  assert.equal(best.method, 'even');
  assert.equal(best.meetsAcceptance, false);
  assert.ok(Math.abs(best.meanGain - 39) < 1e-9);
});

test('a method with no text for some target is not fluent, and with nothing fluent there is no best', () => {
  const cells = [cell('unsteered', 'zh', 0, 10), cell('mute', 'zh', 0, null)];
  const s = summarizeMethods(cells);
  assert.equal(s[0].fluent, false);
  assert.equal(bestMethod(s), undefined);
});

test('the table has one row per method, success in percent per target, and n/a where nothing was measured', () => {
  const cells = [cell('unsteered', 'zh', 0.1, 10), cell('unsteered', 'fr', 0, 10), cell('x', 'zh', 0.75, 15), cell('x', 'fr', 0.5, 12)];
  const md = markdownTable(cells, summarizeMethods(cells), ['zh', 'fr']).split('\n');
  assert.equal(md.length, 4);
  assert.match(md[2], /^\| unsteered \| 10 \| 0 \|/);
  assert.match(md[3], /^\| x \| 75 \| 50 \| 57\.5 \| 2 \| 13\.5 \(×1\.50\) \| 13\.5 \(×1\.50\) \| n\/a \|$/);
});

test('the prompt sample is seeded: same seed, same prompts; another seed, another order', () => {
  const items = Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual(seededSample(items, 5, 7), seededSample(items, 5, 7));
  assert.notDeepEqual(seededSample(items, 20, 7), seededSample(items, 20, 8));
  assert.deepEqual([...seededSample(items, 20, 7)].sort((a, b) => a - b), items);
});

test('the grid names each method once and puts DiffMean on all blocks and on the upper half', () => {
  const m = studyMethods({ nLayer: 18, addStrengths: [2], arithmetic: [{ alpha: 2, beta: 1 }], scaleFactors: [3], diffMeanStrengths: [0.1], diffMeanUpperStrengths: [0.1] });
  assert.equal(new Set(m.map((x) => x.name)).size, m.length);
  assert.deepEqual(upperBlocks(18), { from: 9, to: 17 });
  const dm = m.filter((x) => x.name.startsWith('diffmean')).map((x) => x.request!('fr', 'en'));
  assert.deepEqual(dm.map((r) => r.diffMeanOptions), [{ strength: 0.1 }, { strength: 0.1, layers: { from: 9, to: 17 } }]);
  const paper = m.find((x) => x.name.startsWith('paper'))!;
  assert.deepEqual(paper.request!('fr', 'en').steering?.deactivate, ['en']);
  assert.equal(paper.targetIndependent, true);
});
