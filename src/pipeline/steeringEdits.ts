import type { NeuronEdit } from '../engine/index.ts';
import type { NeuronSets } from '../protocol/results.ts';
import { PipelineError } from './PipelineError.ts';
import type { SteeringSpec } from './types.ts';

/**
 * "Force output language X", the paper's recipe: deactivate the neurons of every other
 * detected language and set X's neurons to their mean activation on X's text.
 */
export function forceLanguageSpec(sets: NeuronSets, language: string, strength = 1): SteeringSpec {
  if (!sets.languages.includes(language)) {
    throw new PipelineError('bad-argument', `"${language}" is not among the detected languages (${sets.languages.join(', ')}).`);
  }
  return { activate: [language], deactivate: sets.languages.filter((l) => l !== language), mode: 'mean', strength };
}

/**
 * The engine edits a steering set stands for. A neuron that is both activated and
 * deactivated (it belongs to two languages) is activated: the target language wins.
 */
export function steeringEdits(sets: NeuronSets, spec: SteeringSpec): NeuronEdit[] {
  const langIndex = (l: string) => {
    const i = sets.languages.indexOf(l);
    if (i < 0) throw new PipelineError('bad-argument', `"${l}" is not among the detected languages (${sets.languages.join(', ')}).`);
    return i;
  };
  const inRange = (layer: number) => !spec.layers || (layer >= spec.layers.from && layer <= spec.layers.to);
  const details = new Map(sets.selected.map((n) => [`${n.layer}:${n.index}`, n]));
  // key -> [mode, value]; later writers win, and activation is written last.
  const plan = new Map<string, { layer: number; index: number; mode: NeuronEdit['mode']; value: number }>();
  const put = (layer: number, index: number, mode: NeuronEdit['mode'], value: number) => {
    if (inRange(layer)) plan.set(`${layer}:${index}`, { layer, index, mode, value });
  };
  for (const l of spec.deactivate ?? []) {
    sets.neurons[langIndex(l)].forEach((idx, layer) => idx.forEach((j) => put(layer, j, 'zero', 0)));
  }
  const strength = spec.strength ?? 1;
  for (const l of spec.activate ?? []) {
    const li = langIndex(l);
    sets.neurons[li].forEach((idx, layer) =>
      idx.forEach((j) => {
        if ((spec.mode ?? 'mean') === 'scale') put(layer, j, 'scale', strength);
        else put(layer, j, 'set', strength * (details.get(`${layer}:${j}`)?.means[li] ?? 0));
      }),
    );
  }
  for (const n of spec.neurons ?? []) {
    if (n.mode === 'zero') put(n.layer, n.index, 'zero', 0);
    else if (n.mode === 'scale') put(n.layer, n.index, 'scale', n.value ?? strength);
    else {
      const d = details.get(`${n.layer}:${n.index}`);
      const mean = n.value ?? (d ? Math.max(...d.langs.map((li) => d.means[li])) : undefined);
      if (mean === undefined) throw new PipelineError('bad-argument', `Neuron ${n.layer}:${n.index} has no known mean activation; give a value.`);
      put(n.layer, n.index, 'set', mean);
    }
  }
  return groupByLayer([...plan.values()]);
}

function groupByLayer(items: { layer: number; index: number; mode: NeuronEdit['mode']; value: number }[]): NeuronEdit[] {
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
