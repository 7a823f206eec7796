// How an editor completion becomes a generate request, and what its cache key depends on:
// the steering's contents (a hand-made spec, or force + method) and the identity of the
// results it reads, not the results folder's path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelFacts } from '../../src/engine/index.ts';
import { readResults, writeResults } from '../../src/pipeline/resultsFolder.ts';
import { completionContext, completionRequest, resultsIdentity, type CompletionInput } from '../../src/protocol/completionRequest.ts';
import { STEERING_METHODS, forceLanguageSpec } from '../../src/protocol/steering.ts';
import { fakeResults } from '../pipeline/fakeResults.ts';

const facts = { fileName: 'm.gguf', sizeBytes: 1, headerSha256: 'abc', architecture: 'llama', nLayer: 2, nFf: [16, 16] } as unknown as ModelFacts;
const base: CompletionInput = { model: '/m.gguf', resultsDir: '/r', prefix: 'Il était une fois', suffix: '' };

/** The context the provider builds for `input` over the results `view`. */
function contextOf(input: CompletionInput, identity: string | undefined): string {
  const { prompt: _p, suffix: _s, ...rest } = completionRequest(input);
  return completionContext({ request: rest, resultsIdentity: identity, extra: { gpuLayers: 0, contextSize: 512 } });
}

test('a Force set goes out as force + the chosen method; a hand-made set as its spec', () => {
  const spec = forceLanguageSpec(['en', 'fr'], 'fr');
  const forced = completionRequest({ ...base, steering: spec, force: { language: 'fr', method: 'diffmean' } });
  assert.equal(forced.force, 'fr');
  assert.equal(forced.method, 'diffmean');
  assert.equal(forced.steering, undefined, 'the analysis process builds the method\'s spec; a spec beside force would be refused');
  assert.equal(forced.resultsDir, '/r');
  assert.equal(completionRequest({ ...base, force: { language: 'fr', method: 'force-neurons' } }).method, 'force-neurons');

  const hand = completionRequest({ ...base, steering: { deactivate: ['en'] } });
  assert.deepEqual(hand.steering, { deactivate: ['en'] });
  assert.equal(hand.force, undefined);
  assert.equal(hand.method, undefined);
  assert.equal(completionRequest(base).resultsDir, undefined, 'unsteered requests read no results');
});

test('same inputs give the same key, whatever the order of the spec\'s fields', () => {
  const a = contextOf({ ...base, steering: { deactivate: ['en'], activate: ['fr'], mode: 'mean' } }, 'id-1');
  const b = contextOf({ ...base, steering: { mode: 'mean', activate: ['fr'], deactivate: ['en'] } }, 'id-1');
  assert.equal(a, b);
});

test('changing the steering set\'s neurons, its languages or the method changes the key', () => {
  const neurons = (index: number): CompletionInput => ({ ...base, steering: { neurons: [{ layer: 1, index, mode: 'zero' }] } });
  assert.notEqual(contextOf(neurons(3), 'id'), contextOf(neurons(4), 'id'));
  assert.notEqual(contextOf({ ...base, steering: { activate: ['fr'] } }, 'id'), contextOf({ ...base, steering: { activate: ['de'] } }, 'id'));
  const force = (method: (typeof STEERING_METHODS)[number]): CompletionInput => ({ ...base, force: { language: 'fr', method } });
  assert.notEqual(contextOf(force('force-neurons'), 'id'), contextOf(force('diffmean'), 'id'));
  assert.notEqual(contextOf(base, undefined), contextOf(force('diffmean'), 'id'), 'steered and unsteered differ');
});

test('re-identifying into the same folder changes the key; reading the same folder again does not', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lape-completion-')), 'results');
  writeResults(dir, fakeResults(facts, ['en', 'fr'], [[[1, 2], [3]], [[4], [5, 6]]]));
  const first = readResults(dir);
  const again = readResults(dir);
  const input: CompletionInput = { ...base, resultsDir: dir, force: { language: 'fr', method: 'force-neurons' } };
  assert.equal(contextOf(input, resultsIdentity(first)), contextOf(input, resultsIdentity(again)));

  // Other neuron sets in the same folder (other parameters), with the same timestamp.
  writeResults(dir, fakeResults(facts, ['en', 'fr'], [[[1, 2], [3]], [[4], [5, 7]]]));
  const reidentified = readResults(dir);
  assert.equal(reidentified.summary.createdAt, first.summary.createdAt);
  assert.notEqual(contextOf(input, resultsIdentity(reidentified)), contextOf(input, resultsIdentity(first)));

  // The same neurons written again by a later run.
  const rerun = fakeResults(facts, ['en', 'fr'], [[[1, 2], [3]], [[4], [5, 6]]]);
  rerun.summary.createdAt = new Date(1000).toISOString();
  writeResults(dir, rerun);
  assert.notEqual(resultsIdentity(readResults(dir)), resultsIdentity(first));
  // Means matter too: "set to mean" writes them.
  writeResults(dir, fakeResults(facts, ['en', 'fr'], [[[1, 2], [3]], [[4], [5, 6]]], 0.7));
  assert.notEqual(resultsIdentity(readResults(dir)), resultsIdentity(first));
});

test('package.json offers exactly the steering methods, the Force recipe by default', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum: string[]; default: string }> } } };
  const setting = pkg.contributes.configuration.properties['languageNeurons.steeringMethod'];
  assert.deepEqual(setting.enum, [...STEERING_METHODS]);
  assert.equal(setting.default, 'force-neurons');
});
