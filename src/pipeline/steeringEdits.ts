import type { NeuronEdit } from '../engine/index.ts';
import type { NeuronSets } from '../protocol/results.ts';
import type { SteeringSpec } from '../protocol/steering.ts';
import { PipelineError } from './PipelineError.ts';

type Planned = { layer: number; index: number; mode: NeuronEdit['mode']; value: number };

/**
 * The engine edits a steering spec stands for, over a results folder's neuron sets.
 *
 * A neuron can belong to several languages, so the spec's parts are written in a fixed
 * order and a later writer wins: deactivate, then subtract, then activate, then hand-picked
 * neurons. So the target language wins over the languages it shares neurons with, and a
 * neuron picked by hand wins over all.
 */
export function steeringEdits(sets: NeuronSets, spec: SteeringSpec): NeuronEdit[] {
  const langIndex = (l: string) => {
    const i = sets.languages.indexOf(l);
    if (i < 0) throw new PipelineError('bad-argument', `"${l}" is not among the detected languages (${sets.languages.join(', ')}).`);
    return i;
  };
  const inRange = (layer: number) => !spec.layers || (layer >= spec.layers.from && layer <= spec.layers.to);
  const details = new Map(sets.selected.map((n) => [`${n.layer}:${n.index}`, n]));
  // A mean that silently became 0 would turn "activate" into "deactivate".
  const meanOf = (layer: number, j: number, li: number): number => {
    const m = details.get(`${layer}:${j}`)?.means[li];
    if (m === undefined || !Number.isFinite(m)) {
      throw new PipelineError(
        'bad-argument',
        `neurons.json has no mean activation of ${sets.languages[li]} for neuron ${layer}:${j}. Re-identify the results folder (lape reidentify DIR) to rewrite it.`,
      );
    }
    return m;
  };
  const plan = new Map<string, Planned>();
  const put = (layer: number, index: number, mode: NeuronEdit['mode'], value: number) => {
    if (inRange(layer)) plan.set(`${layer}:${index}`, { layer, index, mode, value });
  };
  const eachNeuron = (l: string, f: (layer: number, j: number, li: number) => void) => {
    const li = langIndex(l);
    sets.neurons[li].forEach((idx, layer) => idx.forEach((j) => inRange(layer) && f(layer, j, li)));
  };

  for (const l of spec.deactivate ?? []) eachNeuron(l, (layer, j) => put(layer, j, 'zero', 0));
  const beta = spec.subtractStrength ?? 1;
  for (const l of spec.subtract ?? []) eachNeuron(l, (layer, j, li) => put(layer, j, 'add', -beta * meanOf(layer, j, li)));
  const strength = spec.strength ?? 1;
  const mode = spec.mode ?? 'mean';
  for (const l of spec.activate ?? []) {
    eachNeuron(l, (layer, j, li) => {
      if (mode === 'scale') put(layer, j, 'scale', strength);
      else put(layer, j, mode === 'add' ? 'add' : 'set', strength * meanOf(layer, j, li));
    });
  }
  for (const n of spec.neurons ?? []) {
    if (n.mode === 'zero') put(n.layer, n.index, 'zero', 0);
    else if (n.mode === 'scale') put(n.layer, n.index, 'scale', n.value ?? strength);
    else {
      const d = details.get(`${n.layer}:${n.index}`);
      const mean = n.value ?? (d && d.langs.length > 0 ? Math.max(...d.langs.map((li) => d.means[li])) : undefined);
      if (mean === undefined || !Number.isFinite(mean)) {
        throw new PipelineError('bad-argument', `Neuron ${n.layer}:${n.index} has no known mean activation; give a value.`);
      }
      put(n.layer, n.index, n.mode === 'add' ? 'add' : 'set', mean);
    }
  }
  return groupByLayer([...plan.values()]);
}

function groupByLayer(items: Planned[]): NeuronEdit[] {
  const out = new Map<string, { layer: number; mode: NeuronEdit['mode']; neurons: number[]; values: number[] }>();
  for (const it of items.sort((a, b) => a.layer - b.layer || a.index - b.index)) {
    const key = `${it.layer}:${it.mode}`;
    const g = out.get(key) ?? { layer: it.layer, mode: it.mode, neurons: [], values: [] };
    g.neurons.push(it.index);
    g.values.push(it.value);
    out.set(key, g);
  }
  return [...out.values()].map((g) => (g.mode === 'zero' ? { layer: g.layer, mode: g.mode, neurons: g.neurons } : { layer: g.layer, mode: g.mode, neurons: g.neurons, value: g.values }));
}
