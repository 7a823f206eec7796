import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatProgress } from '../../src/extension/formatProgress.ts';
import { ProgressIncrements } from '../../src/extension/ProgressIncrements.ts';

test('detection progress shows the language, tokens, speed and ETA', () => {
  assert.equal(
    formatProgress({ phase: 'detect', message: 'zh', language: 'zh', done: 12000, total: 140000, tokensPerSecond: 850.4, etaSeconds: 160 }),
    'Recording activations: zh · 12,000/140,000 tokens · 850 tok/s · ETA 2m 40s',
  );
});

test('phases without counts show only their message', () => {
  assert.equal(formatProgress({ phase: 'load', message: '' }), 'Loading the model');
  assert.equal(formatProgress({ phase: 'identify', message: 'top 1%' }), 'Identifying neurons: top 1%');
  assert.equal(formatProgress({ phase: 'load', message: 'Downloading x', done: 5, total: 10, etaSeconds: Infinity }), 'Downloading x');
  assert.equal(formatProgress({ phase: 'perplexity', message: 'Perplexity of zh with en deactivated', done: 3, total: 9 }), 'Perplexity of zh with en deactivated · 3/9 tokens');
});

test('durations read naturally', () => {
  assert.equal(formatDuration(5.4), '5s');
  assert.equal(formatDuration(65), '1m 05s');
  assert.equal(formatDuration(3 * 3600 + 7 * 60), '3h 07m');
});

test('the progress bar only moves forward, each phase filling its share', () => {
  const steps = new ProgressIncrements({ detect: 60, perplexity: 40 });
  assert.equal(steps.next({ phase: 'load', message: '', done: 1, total: 1 }), undefined);
  assert.equal(steps.next({ phase: 'detect', message: '', done: 25, total: 100 }), 15);
  assert.equal(steps.next({ phase: 'detect', message: '', done: 100, total: 100 }), 45);
  assert.equal(steps.next({ phase: 'detect', message: '', done: 50, total: 100 }), undefined);
  assert.equal(steps.next({ phase: 'perplexity', message: '', done: 1, total: 4 }), 10);
  assert.equal(steps.next({ phase: 'write', message: '' }), undefined);
});

test('by default a phase fills the whole bar', () => {
  const steps = new ProgressIncrements();
  assert.equal(steps.next({ phase: 'load', message: '', done: 5, total: 10 }), 50);
  assert.equal(steps.next({ phase: 'load', message: '', done: 10, total: 10 }), 50);
});
