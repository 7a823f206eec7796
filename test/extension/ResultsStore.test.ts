import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsStore } from '../../src/extension/ResultsStore.ts';
import { smallResultsView } from '../fixtures/results/smallResultsView.ts';

function folderWith(names: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'lape-store-'));
  for (const name of names) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'summary.json'), '{}');
  }
  mkdirSync(join(root, 'not-results'));
  return root;
}

test('scan opens every folder with a summary.json and reports the ones that fail', async (t) => {
  const root = folderWith(['a', 'b', 'broken']);
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const opened: string[] = [];
  const store = new ResultsStore(async (dir) => {
    opened.push(dir);
    if (dir.endsWith('broken')) throw new Error('bad results');
    return smallResultsView();
  });
  let changes = 0;
  store.onDidChange(() => changes++);
  const result = await store.scan(root, 'workspace');
  assert.deepEqual(result.loaded, [join(root, 'a'), join(root, 'b')]);
  assert.equal(result.failed.length, 1);
  assert.deepEqual(opened.sort(), [join(root, 'a'), join(root, 'b'), join(root, 'broken')]);
  assert.equal(store.entries().length, 2);
  assert.equal(changes, 2);
  assert.equal(store.current?.dir, join(root, 'a'));
});

test('a rescan forgets folders that vanished but keeps folders opened by hand', async (t) => {
  const root = folderWith(['a', 'b']);
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new ResultsStore(async () => smallResultsView());
  await store.scan(root, 'workspace');
  store.set('/elsewhere/run', smallResultsView(), 'opened');
  rmSync(join(root, 'b'), { recursive: true });
  await store.scan(root, 'workspace');
  assert.deepEqual(store.entries().map((e) => e.dir).sort(), ['/elsewhere/run', join(root, 'a')].sort());
});

test('current follows the last choice, and set keeps the original origin', () => {
  const store = new ResultsStore(async () => smallResultsView());
  store.set('/x', smallResultsView(), 'workspace');
  store.set('/y', smallResultsView(), 'opened');
  store.setCurrent('/y');
  assert.equal(store.current?.dir, '/y');
  const updated = store.set('/x', smallResultsView(), 'opened');
  assert.equal(updated.origin, 'workspace');
  store.remove('/y');
  assert.equal(store.current?.dir, '/x');
});
