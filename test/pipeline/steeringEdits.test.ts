// The mapping from a steering spec (and the Force recipe) to engine edits, on hand-made
// neuron sets whose means are all different, so a value taken from the wrong language,
// layer or neuron shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NeuronEdit } from '../../src/engine/index.ts';
import { PipelineError } from '../../src/pipeline/PipelineError.ts';
import { steeringEdits } from '../../src/pipeline/steeringEdits.ts';
import { RESULTS_VERSION, type NeuronSets } from '../../src/protocol/results.ts';
import { DEFAULT_DIFFMEAN_STRENGTH, DEFAULT_FORCE_RECIPE, forceLanguageSpec, methodSpec } from '../../src/protocol/steering.ts';

const LANGS = ['en', 'fr', 'es'];
/** [language][layer]: neuron 2 of layer 0 is en and fr; neuron 6 of layer 2 is fr and es. */
const NEURONS = [
  [[1, 2], [], [5]],
  [[2, 3], [4], [6]],
  [[], [], [6, 7]],
];
const mean = (li: number, layer: number, index: number) => li + 1 + layer / 10 + index / 100;

function sets(drop?: { layer: number; index: number }): NeuronSets {
  const byKey = new Map<string, number[]>();
  NEURONS.forEach((layers, li) => layers.forEach((idx, layer) => idx.forEach((j) => byKey.set(`${layer}:${j}`, [...(byKey.get(`${layer}:${j}`) ?? []), li]))));
  const selected = [...byKey].map(([key, langs]) => {
    const [layer, index] = key.split(':').map(Number);
    return { layer, index, lape: 0, probs: LANGS.map(() => 0.5), means: LANGS.map((_, li) => mean(li, layer, index)), langs };
  });
  return { version: RESULTS_VERSION, languages: LANGS, neurons: NEURONS, selected: selected.filter((n) => !(n.layer === drop?.layer && n.index === drop?.index)) };
}

/** "layer:index" -> [mode, value] over all edits; each neuron must appear once. */
function flat(edits: NeuronEdit[]): Map<string, [string, number]> {
  const out = new Map<string, [string, number]>();
  for (const e of edits) {
    Array.from(e.neurons).forEach((j, i) => {
      const key = `${e.layer}:${j}`;
      assert.ok(!out.has(key), `${key} is edited twice`);
      const v = e.mode === 'zero' ? 0 : typeof e.value === 'number' ? e.value : e.value![i];
      out.set(key, [e.mode, Number(v.toFixed(9))]);
    });
  }
  return out;
}
const near = (x: number) => Number(x.toFixed(9));

test("Force's default recipe is today's: the target's neurons set to their mean, every other language's zeroed, the target winning overlaps", () => {
  assert.deepEqual(DEFAULT_FORCE_RECIPE, { deactivate: 'others', mode: 'mean', strength: 1, subtractSource: 0, positions: 'all' });
  const spec = forceLanguageSpec(LANGS, 'fr');
  assert.deepEqual(spec, { activate: ['fr'], deactivate: ['en', 'es'], mode: 'mean', strength: 1, positions: 'all' });
  // Options given as undefined (a CLI flag not passed) keep the defaults.
  assert.deepEqual(forceLanguageSpec(LANGS, 'fr', { mode: undefined, strength: undefined, deactivate: undefined, positions: undefined }), spec);
  const got = flat(steeringEdits(sets(), spec));
  assert.deepEqual(Object.fromEntries(got), {
    '0:1': ['zero', 0],
    '0:2': ['set', near(mean(1, 0, 2))], // en and fr: fr wins
    '0:3': ['set', near(mean(1, 0, 3))],
    '1:4': ['set', near(mean(1, 1, 4))],
    '2:5': ['zero', 0],
    '2:6': ['set', near(mean(1, 2, 6))], // fr and es: fr wins
    '2:7': ['zero', 0],
  });
});

test('Force deactivates only the source language when asked, and nobody when the source is unknown', () => {
  assert.deepEqual(forceLanguageSpec(LANGS, 'fr', { deactivate: 'source', source: 'en' }).deactivate, ['en']);
  assert.deepEqual(forceLanguageSpec(LANGS, 'fr', { deactivate: 'source' }).deactivate, []);
  assert.deepEqual(forceLanguageSpec(LANGS, 'fr', { deactivate: 'source', source: 'fr' }).deactivate, []);
  assert.deepEqual(forceLanguageSpec(LANGS, 'fr', { deactivate: 'none', source: 'en' }).deactivate, []);
  const got = flat(steeringEdits(sets(), forceLanguageSpec(LANGS, 'es', { deactivate: 'source', source: 'en' })));
  assert.deepEqual([...got.keys()].sort(), ['0:1', '0:2', '2:5', '2:6', '2:7']);
  assert.deepEqual(got.get('0:2'), ['zero', 0]);
  assert.deepEqual(got.get('2:6'), ['set', near(mean(2, 2, 6))]);
});

test('strength multiplies the mean for "mean" and is the factor for "scale"', () => {
  const m = flat(steeringEdits(sets(), forceLanguageSpec(LANGS, 'en', { strength: 3, deactivate: 'none' })));
  assert.deepEqual(Object.fromEntries(m), { '0:1': ['set', near(3 * mean(0, 0, 1))], '0:2': ['set', near(3 * mean(0, 0, 2))], '2:5': ['set', near(3 * mean(0, 2, 5))] });
  const s = flat(steeringEdits(sets(), { activate: ['en'], mode: 'scale', strength: 2.5 }));
  assert.deepEqual(Object.fromEntries(s), { '0:1': ['scale', 2.5], '0:2': ['scale', 2.5], '2:5': ['scale', 2.5] });
});

test('arithmetics: add α × the target mean, subtract β × the source mean, the target winning shared neurons', () => {
  const spec = forceLanguageSpec(LANGS, 'fr', { source: 'en', deactivate: 'none', mode: 'add', strength: 2, subtractSource: 0.5 });
  assert.deepEqual(spec.subtract, ['en']);
  const got = flat(steeringEdits(sets(), spec));
  assert.deepEqual(Object.fromEntries(got), {
    '0:1': ['add', near(-0.5 * mean(0, 0, 1))],
    '0:2': ['add', near(2 * mean(1, 0, 2))],
    '0:3': ['add', near(2 * mean(1, 0, 3))],
    '1:4': ['add', near(2 * mean(1, 1, 4))],
    '2:5': ['add', near(-0.5 * mean(0, 2, 5))],
    '2:6': ['add', near(2 * mean(1, 2, 6))],
  });
  // Without a known source there is nothing to subtract.
  assert.equal(forceLanguageSpec(LANGS, 'fr', { mode: 'add', subtractSource: 0.5 }).subtract, undefined);
});

test('a layer range keeps only the edits of its layers', () => {
  const got = flat(steeringEdits(sets(), forceLanguageSpec(LANGS, 'fr', { layers: { from: 1, to: 2 } })));
  assert.deepEqual([...got.keys()].sort(), ['1:4', '2:5', '2:6', '2:7']);
  assert.deepEqual(flat(steeringEdits(sets(), { deactivate: ['en'], layers: { from: 1, to: 1 } })).size, 0);
});

test('hand-picked neurons win over languages; "add" and "mean" default to the mean of the neuron\'s own languages', () => {
  const got = flat(steeringEdits(sets(), {
    activate: ['fr'],
    neurons: [{ layer: 0, index: 2, mode: 'zero' }, { layer: 2, index: 6, mode: 'add' }, { layer: 1, index: 9, mode: 'scale', value: 4 }],
  }));
  assert.deepEqual(got.get('0:2'), ['zero', 0]);
  assert.deepEqual(got.get('2:6'), ['add', near(Math.max(mean(1, 2, 6), mean(2, 2, 6)))]);
  assert.deepEqual(got.get('1:9'), ['scale', 4]);
  assert.throws(() => steeringEdits(sets(), { neurons: [{ layer: 1, index: 9, mode: 'mean' }] }), /no known mean activation/);
});

test('a missing mean is an error that names neurons.json and the fix, not a silent 0', () => {
  const broken = sets({ layer: 1, index: 4 });
  for (const spec of [forceLanguageSpec(LANGS, 'fr'), forceLanguageSpec(LANGS, 'fr', { mode: 'add' }), { subtract: ['fr'] }]) {
    assert.throws(() => steeringEdits(broken, spec), (e: unknown) => e instanceof PipelineError && /neurons\.json.*fr.*1:4.*reidentify/.test(e.message));
  }
  // Deactivation and scaling need no mean.
  assert.equal(flat(steeringEdits(broken, { deactivate: ['fr'] })).get('1:4')![0], 'zero');
  assert.equal(flat(steeringEdits(broken, { activate: ['fr'], mode: 'scale', strength: 2 })).get('1:4')![0], 'scale');
});

test('positions and methods: the recipe carries its positions, and diffmean makes no neuron edit', () => {
  assert.equal(forceLanguageSpec(LANGS, 'fr', { positions: 'generated' }).positions, 'generated');
  const dm = methodSpec('diffmean', LANGS, 'fr', { diffMean: { strength: 4, layers: { from: 1, to: 2 } } });
  assert.deepEqual(dm, { diffMean: { language: 'fr', strength: 4, layers: { from: 1, to: 2 } }, positions: 'all' });
  assert.deepEqual(steeringEdits(sets(), dm), []);
  assert.deepEqual(methodSpec('force-neurons', LANGS, 'fr'), forceLanguageSpec(LANGS, 'fr'));
});

test('DiffMean without a strength takes the default λ, not the direction\'s full length', () => {
  assert.equal(methodSpec('diffmean', LANGS, 'fr').diffMean?.strength, DEFAULT_DIFFMEAN_STRENGTH);
  assert.ok(DEFAULT_DIFFMEAN_STRENGTH > 0 && DEFAULT_DIFFMEAN_STRENGTH < 1);
});

test('an unknown language is an error that lists the detected ones', () => {
  assert.throws(() => steeringEdits(sets(), forceLanguageSpec(LANGS, 'de')), /"de" is not among the detected languages \(en, fr, es\)/);
});
