import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, DEFAULT_IDENTIFY_PARAMS, type IdentifyParams } from '../../src/lape/identify.ts';
import { entropyHistogram } from '../../src/lape/entropyHistogram.ts';
import { emptyStats, type ActivationStats } from '../../src/lape/languageStats.ts';
import { LapeError } from '../../src/lape/lapeError.ts';
import { randomStats, rng } from './lapeTestSupport.ts';

/** Python 3 round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  if (x - f !== 0.5) return Math.round(x);
  return f % 2 === 0 ? f : f + 1;
}

/**
 * LAPE identification as DESIGN.md specifies it, written naively with full sorts and plain
 * arrays, to be independent of the optimised code (the reference identify.py itself runs in
 * identifyTorch.test.ts). Returns one list per language up to the last language with a
 * neuron, as the reference's files hold them.
 */
function naiveIdentify(stats: ActivationStats, topRate: number, filterRate: number, barRatio: number) {
  const L = stats.nLayer;
  const I = stats.nFf;
  const langs = stats.languages;
  // p = count / tokens, in float32 as the reference computes it.
  const probs: number[][][] = [];
  for (let a = 0; a < L; a++) {
    probs.push([]);
    for (let b = 0; b < I; b++) {
      probs[a].push(langs.map((l) => Math.fround(Math.fround(l.overZero[a * I + b]) / Math.fround(l.tokens))));
    }
  }
  const entropy: number[][] = probs.map((row) =>
    row.map((p) => {
      const s = p.reduce((x, y) => x + y, 0);
      const normed = p.map((v) => (s === 0 ? 0 : v / s)); // NaN -> 0
      return -normed.reduce((acc, q) => acc + q * (q > 0 ? Math.log(q) : 0), 0);
    }),
  );
  const allProbs = probs.flat(2);
  const sortedProbs = [...allProbs].sort((x, y) => x - y);
  const filterValue = sortedProbs[pyRound(allProbs.length * filterRate) - 1];
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < I; b++) {
      const aboveFilter = probs[a][b].filter((p) => p > filterValue).length;
      if (aboveFilter === 0) entropy[a][b] = Infinity;
    }
  }
  const allEntropy = entropy.flat();
  const nSelected = pyRound(allEntropy.length * topRate);
  const order = allEntropy.map((e, i) => [e, i] as const).sort((x, y) => (x[0] === y[0] ? x[1] - y[1] : x[0] < y[0] ? -1 : 1));
  const index = order.slice(0, nSelected).map(([, i]) => i);
  const rows = index.map((i) => Math.floor(i / I));
  const cols = index.map((i) => i % I);
  const selProbs = index.map((_, s) => probs[rows[s]][cols[s]]);
  const bar = sortedProbs[pyRound(allProbs.length * barRatio) - 1];
  // Each selected neuron belongs to every language whose p is above the bar.
  const byLang: number[][] = langs.map(() => []);
  for (let l = 0; l < langs.length; l++) for (let s = 0; s < index.length; s++) if (selProbs[s][l] > bar) byLang[l].push(s);
  let last = -1;
  byLang.forEach((v, l) => { if (v.length > 0) last = l; });
  const perLanguage = byLang.slice(0, last + 1).map((sel) => {
    const pairs = sel.map((s) => [rows[s], cols[s]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const byLayer: number[][] = Array.from({ length: L }, () => []);
    for (const [l, h] of pairs) byLayer[l].push(h);
    return byLayer;
  });
  return { filterValue, bar, perLanguage, index };
}

function compare(stats: ActivationStats, params: Required<IdentifyParams>): ReturnType<typeof identify> {
  const got = identify(stats, params);
  const want = naiveIdentify(stats, params.topRate, params.filterRate, params.activationBarRatio);
  assert.equal(got.filterThreshold, want.filterValue, 'filter threshold');
  assert.equal(got.activationBar, want.bar, 'activation bar');
  assert.equal(got.neurons.length, stats.languages.length, 'every language is returned');
  for (let l = 0; l < got.neurons.length; l++) {
    const expected = want.perLanguage[l] ?? Array.from({ length: stats.nLayer }, () => []);
    assert.deepEqual(got.neurons[l], expected, `neurons of ${stats.languages[l].lang}`);
  }
  const selectedFlat = Array.from(got.selected.layer, (layer, s) => layer * stats.nFf + got.selected.index[s]);
  assert.deepEqual(selectedFlat, want.index, 'selected neurons, lowest LAPE first');
  return got;
}

const LANGS = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];

test('identify matches identify.py semantics on random statistics', () => {
  for (const seed of [1, 2, 3]) {
    const stats = randomStats({ nLayer: 4, nFf: 200, langs: LANGS, seed });
    const got = compare(stats, { ...DEFAULT_IDENTIFY_PARAMS });
    assert.equal(got.selected.count, 8); // round(800 * 0.01)
    assert.ok(got.distinctCount > 0);
  }
});

test('identify matches with other rates, including a bar below the filter', () => {
  const stats = randomStats({ nLayer: 3, nFf: 300, langs: LANGS.slice(0, 5), seed: 11 });
  for (const params of [
    { topRate: 0.05, filterRate: 0.95, activationBarRatio: 0.95 },
    { topRate: 0.1, filterRate: 0.9, activationBarRatio: 0.8 },
    { topRate: 0.02, filterRate: 0.99, activationBarRatio: 0.97 },
    { topRate: 0.5, filterRate: 0.95, activationBarRatio: 0.9 }, // more selected than kept: +inf ones taken too
  ]) {
    const got = compare(stats, params);
    assert.equal(got.params.topRate, params.topRate);
  }
});

test('languages without neurons are still returned, empty (middle and trailing)', () => {
  const stats = randomStats({ nLayer: 4, nFf: 250, langs: LANGS, seed: 5, quiet: ['fr', 'ja'] });
  const got = compare(stats, { ...DEFAULT_IDENTIFY_PARAMS, topRate: 0.05 });
  const want = naiveIdentify(stats, 0.05, 0.95, 0.95);
  assert.equal(want.perLanguage.length, 6, 'the reference drops the trailing language');
  for (const lang of ['fr', 'ja']) {
    const l = LANGS.indexOf(lang);
    assert.equal(got.neurons[l].length, 4);
    assert.ok(got.neurons[l].every((x) => x.length === 0));
    assert.deepEqual(got.perLayerCounts[l], [0, 0, 0, 0]);
  }
});

test('counts, overlap and per-neuron data are consistent with the lists', () => {
  const stats = randomStats({ nLayer: 5, nFf: 160, langs: LANGS, seed: 21 });
  const got = identify(stats, { topRate: 0.08 });
  const nLang = LANGS.length;
  const sets = got.neurons.map((layers) => new Set(layers.flatMap((idx, layer) => idx.map((j) => layer * stats.nFf + j))));
  for (let a = 0; a < nLang; a++) {
    assert.deepEqual(got.perLayerCounts[a], got.neurons[a].map((x) => x.length));
    for (const idx of got.neurons[a]) assert.deepEqual(idx, [...idx].sort((x, y) => x - y));
    for (let b = 0; b < nLang; b++) assert.equal(got.overlap[a][b], [...sets[a]].filter((x) => sets[b].has(x)).length);
  }
  assert.equal(got.distinctCount, new Set(sets.flatMap((s) => [...s])).size);
  for (let s = 1; s < got.selected.count; s++) assert.ok(got.selected.entropy[s - 1] <= got.selected.entropy[s]);
  for (let s = 0; s < got.selected.count; s++) {
    for (let l = 0; l < nLang; l++) {
      const p = stats.languages[l].overZero[got.selected.layer[s] * stats.nFf + got.selected.index[s]] / stats.languages[l].tokens;
      assert.ok(Math.abs(got.selected.probs[s * nLang + l] - p) < 1e-6);
      assert.equal(got.selected.assigned[s * nLang + l], got.selected.probs[s * nLang + l] > got.activationBar ? 1 : 0);
    }
  }
});

test('ties in LAPE go to the lower flat index', () => {
  // Every neuron active in exactly one language: all LAPE values are 0.
  const stats = emptyStats(2, 50, ['a', 'b']);
  const r = rng(3);
  for (let i = 0; i < 100; i++) stats.languages[i % 2].overZero[i] = 1 + Math.floor(r() * 999);
  stats.languages.forEach((l) => (l.tokens = 1000));
  const got = identify(stats, { topRate: 0.1, filterRate: 0.5, activationBarRatio: 0.5 });
  const kept = Array.from({ length: 100 }, (_, i) => i).filter((i) => stats.languages[i % 2].overZero[i] / 1000 > got.filterThreshold);
  const flat = Array.from(got.selected.layer, (layer, s) => layer * 50 + got.selected.index[s]);
  assert.deepEqual(flat, kept.slice(0, 10));
});

test('invalid input gives typed errors', () => {
  const stats = randomStats({ nLayer: 2, nFf: 10, langs: ['a', 'b'], seed: 1 });
  assert.throws(() => identify(stats, { topRate: 2 }), (e: unknown) => e instanceof LapeError && e.code === 'invalid-params');
  stats.languages[1].tokens = 0;
  assert.throws(() => identify(stats), (e: unknown) => e instanceof LapeError && e.code === 'invalid-stats' && /"b" has no tokens/.test(e.message));
  assert.throws(() => identify({ nLayer: 2, nFf: 10, languages: [] }), (e: unknown) => e instanceof LapeError);
});

test('entropyHistogram counts every neuron and the kept ones', () => {
  const stats = randomStats({ nLayer: 3, nFf: 100, langs: LANGS, seed: 9 });
  const h = entropyHistogram(stats, 20);
  const got = identify(stats);
  assert.equal(h.edges.length, 21);
  assert.ok(Math.abs(h.edges[20] - Math.log(7)) < 1e-12);
  assert.equal(h.all.reduce((a, b) => a + b, 0), 300);
  assert.equal(h.kept.reduce((a, b) => a + b, 0), got.keptCount);
  assert.equal(h.filterThreshold, got.filterThreshold);
});

test('timing: identify on LLaMA-2-70B-sized statistics (80 x 28672 x 7)', () => {
  const nLayer = 80;
  const nFf = 28672;
  const stats = emptyStats(nLayer, nFf, LANGS);
  const r = rng(70);
  for (const l of stats.languages) {
    l.tokens = 100_000_000;
    for (let i = 0; i < l.overZero.length; i++) {
      const u = r();
      l.overZero[i] = Math.floor(l.tokens * u * u * u);
    }
  }
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const got = identify(stats);
  const ms = performance.now() - t0;
  const rss = process.memoryUsage().rss;
  console.log(`identify 70B-sized: ${ms.toFixed(0)} ms, RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${(rss0 / 2 ** 20).toFixed(0)} MiB before, stats included)`);
  assert.equal(got.selected.count, 22938);
});
