import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NeuronTreeModel, type NeuronNode } from '../../src/extension/NeuronTreeModel.ts';
import type { ResultsEntry } from '../../src/extension/ResultsStore.ts';
import { smallResultsView } from '../fixtures/results/smallResultsView.ts';

function model(): NeuronTreeModel {
  const entries: ResultsEntry[] = [{ dir: '/r/tiny', view: smallResultsView(), origin: 'workspace' }];
  return new NeuronTreeModel(() => entries);
}

const labels = (m: NeuronTreeModel, nodes: NeuronNode[]) => nodes.map((n) => `${m.describe(n).label} [${m.describe(n).description}]`);

test('Model → Layers with per-language counts → Language → Neurons', () => {
  const m = model();
  const [root] = m.roots();
  assert.deepEqual(labels(m, [root]), ['tiny-model.gguf [3 languages · 5 neurons]']);
  const layers = m.children(root);
  assert.deepEqual(labels(m, layers), ['Layer 0 [en 1]', 'Layer 1 [en 1 · zh 1 · fr 1]', 'Layer 2 [zh 2]']);
  const langs = m.children(layers[1]);
  assert.deepEqual(labels(m, langs), ['en [English · 1]', 'zh [Chinese · 1]', 'fr [French · 1]']);
  const neurons = m.children(langs[1]);
  assert.deepEqual(labels(m, neurons), ['5 [LAPE 0.300]']);
  assert.equal(m.describe(neurons[0]).contextValue, 'neuron');
  assert.equal(m.describe(neurons[0]).expandable, false);
});

test('a neuron tooltip lists LAPE and the activation probability of every language', () => {
  const m = model();
  const leaf = m.findNeuron('/r/tiny', 1, 5)!;
  const { tooltip } = m.describe(leaf);
  assert.match(tooltip, /\*\*Layer 1, neuron 5\*\*/);
  assert.match(tooltip, /LAPE 0\.3000 · belongs to zh, fr/);
  assert.match(tooltip, /\| en \| 0\.010 \| 0\.000 \|/);
  assert.match(tooltip, /\| \*\*zh\*\* \| 0\.700 \| 0\.300 \|/);
});

test('the language grouping shows Language → Layers → Neurons', () => {
  const m = model();
  m.grouping = 'language';
  const [root] = m.roots();
  const langs = m.children(root);
  assert.deepEqual(labels(m, langs), ['en [English · 2]', 'zh [Chinese · 3]', 'fr [French · 1]']);
  const zhLayers = m.children(langs[1]);
  assert.deepEqual(labels(m, zhLayers), ['Layer 1 [1]', 'Layer 2 [2]']);
  assert.deepEqual(labels(m, m.children(zhLayers[1])), ['0 [LAPE 0.050]', '7 [LAPE 0.070]']);
});

test('parent is the inverse of children in both groupings, so reveal can walk up', () => {
  const m = model();
  for (const grouping of ['layer', 'language'] as const) {
    m.grouping = grouping;
    const walk = (node: NeuronNode): void => {
      for (const child of m.children(node)) {
        assert.deepEqual(m.parent(child), node, `${grouping}: ${JSON.stringify(child)}`);
        walk(child);
      }
    };
    m.roots().forEach(walk);
  }
});

test('ids stay unique across the tree', () => {
  const m = model();
  const ids = new Set<string>();
  const walk = (node: NeuronNode): void => {
    const { id } = m.describe(node);
    assert.ok(!ids.has(id), id);
    ids.add(id);
    m.children(node).forEach(walk);
  };
  m.roots().forEach(walk);
  assert.equal(ids.size, 1 + 3 + 5 + 6);
});

test('neuronsOf collects what a context action works on, with the language it was reached through', () => {
  const m = model();
  const [root] = m.roots();
  const layer1 = m.children(root)[1];
  assert.deepEqual(m.neuronsOf(layer1).map((n) => `${n.language}:${n.layer}:${n.index}`), ['en:1:3', 'zh:1:5', 'fr:1:5']);
  const zh = m.children(layer1)[1];
  assert.equal(m.languageOf(zh), 'zh');
  assert.equal(m.languageOf(layer1), undefined);
  assert.equal(m.neuronsOf(zh)[0].neuron.means[1], 0.3);
  assert.equal(m.findNeuron('/r/tiny', 0, 1), undefined);
});
