import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { makeFixture } from '../fixtures/results/makeFixture.ts';

const DIR = new URL('../fixtures/results/', import.meta.url);

// The fixture is hand-made (seeded random data shaped by makeFixture.ts) for the chart tests:
// these checks are about the fixture, and say nothing about any model.
describe('results fixture (hand-made data for the chart tests, not a measurement)', () => {
  const view = makeFixture();
  const { summary, neurons } = view;

  it('matches the committed files (regenerate with makeFixture.ts)', () => {
    assert.deepEqual(JSON.parse(readFileSync(new URL('summary.json', DIR), 'utf8')), summary);
    assert.deepEqual(JSON.parse(readFileSync(new URL('neurons.json', DIR), 'utf8')), neurons);
  });

  it('is internally consistent in the ways real identify output is', () => {
    const n = summary.languages.length;
    assert.deepEqual(neurons.languages, summary.languages);
    assert.equal(neurons.selected.length, Math.round(summary.model.nLayer * summary.model.nFf * summary.params.topRate));
    for (let l = 0; l < n; l++) {
      assert.deepEqual(summary.perLayerCounts[l], neurons.neurons[l].map((idx) => idx.length));
      assert.equal(summary.overlap[l][l], neurons.neurons[l].flat().length);
      for (let m = 0; m < n; m++) assert.equal(summary.overlap[l][m], summary.overlap[m][l]);
    }
    const threshold = summary.lapeHistogram.selectionThreshold;
    for (const s of neurons.selected) {
      assert.ok(s.lape <= threshold);
      assert.equal(s.probs.length, n);
      assert.ok(s.langs.length >= 1 && s.langs.every((l) => neurons.neurons[l][s.layer].includes(s.index)));
    }
    assert.equal(summary.lapeHistogram.edges.length, summary.lapeHistogram.counts.length + 1);
  });

  it('has the perplexity pattern it was built with (own language above random), so the charts show one', () => {
    assert.ok(summary.pplChange && summary.randomPplChange && summary.perplexity);
    for (let d = 0; d < summary.languages.length; d++) {
      const own = summary.pplChange[d][d];
      assert.ok(own > 0.05 && own > Math.max(...summary.randomPplChange[d]), `makeFixture's ${summary.languages[d]} row lost its built-in pattern`);
    }
  });

  it('selects more neurons for a larger top_rate', () => {
    const more = makeFixture({ ...summary.params, topRate: 0.02 });
    assert.equal(more.neurons.selected.length, 655);
    assert.ok(more.summary.lapeHistogram.selectionThreshold >= summary.lapeHistogram.selectionThreshold);
  });
});
