import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyStats, meanActivation, mergeStats, validateStats } from '../../src/lape/languageStats.ts';
import { LapeError } from '../../src/lape/lapeError.ts';
import { randomStats } from './lapeTestSupport.ts';

const code = (c: string) => (e: unknown) => e instanceof LapeError && e.code === c;

test('mergeStats adds tokens, counts and sums', () => {
  const a = randomStats({ nLayer: 2, nFf: 8, langs: ['en', 'zh'], seed: 1 });
  const b = randomStats({ nLayer: 2, nFf: 8, langs: ['en', 'zh'], seed: 2 });
  const m = mergeStats(a, b);
  assert.equal(m.nLayer, 2);
  assert.equal(m.nFf, 8);
  for (let l = 0; l < 2; l++) {
    assert.equal(m.languages[l].lang, a.languages[l].lang);
    assert.equal(m.languages[l].tokens, a.languages[l].tokens + b.languages[l].tokens);
    for (let i = 0; i < 16; i++) {
      assert.equal(m.languages[l].overZero[i], a.languages[l].overZero[i] + b.languages[l].overZero[i]);
      assert.equal(m.languages[l].sumAct[i], a.languages[l].sumAct[i] + b.languages[l].sumAct[i]);
    }
  }
  // Inputs are untouched.
  assert.notEqual(m.languages[0].overZero, a.languages[0].overZero);
});

test('mergeStats refuses other shapes or languages with typed errors', () => {
  const a = emptyStats(2, 8, ['en', 'zh']);
  assert.throws(() => mergeStats(a, emptyStats(2, 9, ['en', 'zh'])), code('shape-mismatch'));
  assert.throws(() => mergeStats(a, emptyStats(3, 8, ['en', 'zh'])), code('shape-mismatch'));
  assert.throws(() => mergeStats(a, emptyStats(2, 8, ['zh', 'en'])), code('language-mismatch'));
  assert.throws(() => mergeStats(a, emptyStats(2, 8, ['en'])), code('language-mismatch'));
  const broken = emptyStats(2, 8, ['en', 'zh']);
  broken.languages[1].overZero = new Float64Array(3);
  assert.throws(() => mergeStats(a, broken), code('shape-mismatch'));
});

test('validateStats catches duplicates and bad counts', () => {
  assert.throws(() => validateStats(emptyStats(1, 1, ['en', 'en'])), code('invalid-stats'));
  const s = emptyStats(1, 1, ['en']);
  s.languages[0].tokens = -1;
  assert.throws(() => validateStats(s), code('invalid-stats'));
  assert.throws(() => validateStats({ nLayer: 0, nFf: 1, languages: [] }), code('invalid-stats'));
});

test('meanActivation divides the sums by all tokens of the language', () => {
  const s = emptyStats(1, 3, ['en', 'zh']);
  s.languages[1].tokens = 4;
  s.languages[1].sumAct.set([2, -1, 0]);
  assert.deepEqual(Array.from(meanActivation(s, 'zh')), [0.5, -0.25, 0]);
  assert.ok(meanActivation(s, 'en').every(Number.isNaN), 'no tokens: unknown');
  assert.throws(() => meanActivation(s, 'fr'), code('language-mismatch'));
});
