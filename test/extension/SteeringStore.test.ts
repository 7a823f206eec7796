import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SteeringStore, type MementoLike } from '../../src/extension/SteeringStore.ts';

function memento(): MementoLike & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: <T>(k: string) => data.get(k) as T | undefined, update: async (k, v) => { data.set(k, v); } };
}

test('starts with one empty, disabled set and applies nothing', () => {
  const store = new SteeringStore(memento());
  assert.deepEqual(store.state, { version: 1, enabled: false, active: 'Default', sets: [{ name: 'Default', spec: {} }] });
  assert.equal(store.effectiveSpec(), undefined);
});

test('languages move between the deactivate and activate lists, never both', async () => {
  const store = new SteeringStore(memento());
  await store.addLanguages(['en', 'fr'], 'deactivate');
  await store.addLanguages(['fr'], 'activate');
  assert.deepEqual(store.activeSet.spec, { deactivate: ['en'], activate: ['fr'], mode: 'mean' });
  await store.addLanguages(['en'], 'activate');
  assert.deepEqual(store.activeSet.spec, { activate: ['fr', 'en'], mode: 'mean' });
});

test('neurons added again take the newest edit', async () => {
  const store = new SteeringStore(memento());
  await store.addNeurons([{ layer: 1, index: 5, mode: 'zero' }, { layer: 2, index: 0, mode: 'zero' }]);
  await store.addNeurons([{ layer: 1, index: 5, mode: 'mean', value: 0.3 }]);
  assert.deepEqual(store.activeSet.spec.neurons, [{ layer: 2, index: 0, mode: 'zero' }, { layer: 1, index: 5, mode: 'mean', value: 0.3 }]);
});

test('the spec applies only when enabled, and survives a reload as plain data', async () => {
  const m = memento();
  const store = new SteeringStore(m);
  const seen: boolean[] = [];
  store.onDidChange((s) => seen.push(s.enabled));
  await store.addLanguages(['zh'], 'deactivate');
  assert.equal(store.effectiveSpec(), undefined);
  await store.setEnabled(true);
  assert.deepEqual(store.effectiveSpec(), { deactivate: ['zh'] });
  assert.deepEqual(seen, [false, true]);
  const reloaded = new SteeringStore(m);
  assert.deepEqual(reloaded.state, store.state);
  assert.deepEqual(JSON.parse(JSON.stringify(m.data.get('languageNeurons.steering'))), store.state);
});

test('sets are created by selecting them and deleting the last one leaves a default', async () => {
  const store = new SteeringStore(memento());
  await store.selectSet('Force zh');
  await store.addLanguages(['zh'], 'activate');
  assert.equal(store.activeSet.name, 'Force zh');
  await store.selectSet('Default');
  assert.deepEqual(store.activeSet.spec, {});
  await store.deleteSet('Default');
  assert.equal(store.state.active, 'Force zh');
  await store.deleteSet('Force zh');
  assert.deepEqual(store.state.sets, [{ name: 'Default', spec: {} }]);
});

test('clearing the active set empties it', async () => {
  const store = new SteeringStore(memento());
  await store.addLanguages(['en'], 'activate');
  await store.clearActive();
  assert.deepEqual(store.activeSet.spec, {});
});

test('a Force set is sent as force while it is the recipe alone; editing it by hand makes it a plain spec', async () => {
  const store = new SteeringStore(memento());
  await store.putSet({ name: 'Force fr', spec: { activate: ['fr'], deactivate: ['en'], mode: 'mean' }, force: 'fr' });
  assert.equal(store.effectiveForce(), undefined, 'steering is off');
  await store.setEnabled(true);
  assert.equal(store.effectiveForce(), 'fr');
  await store.selectSet('Default');
  assert.equal(store.effectiveForce(), undefined, 'another set is active');
  await store.selectSet('Force fr');
  await store.addNeurons([{ layer: 0, index: 1, mode: 'zero' }]);
  assert.equal(store.effectiveForce(), undefined);
  assert.deepEqual(store.effectiveSpec()?.neurons, [{ layer: 0, index: 1, mode: 'zero' }]);
});
