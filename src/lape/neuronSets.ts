/**
 * `neurons[lang][layer]`: ascending FFN neuron indices, the shape of the reference's
 * activation_mask files. The reference's language order for LLaMA-2 and its neighbours.
 */
export type NeuronSets = number[][][];

/**
 * Neurons that belong to at least one language, counting a (layer, index) pair once however
 * many languages share it. For the published sets this equals round(layers * n_ff * 0.01),
 * every selected neuron, because with activation_bar_ratio = filter_rate each kept neuron
 * belongs to some language.
 */
export function distinctNeuronCount(neurons: NeuronSets): number {
  const seen = new Set<number>();
  let width = 1;
  for (const layers of neurons) for (const idx of layers) for (const j of idx) width = Math.max(width, j + 1);
  for (const layers of neurons) {
    layers.forEach((idx, layer) => {
      for (const j of idx) seen.add(layer * width + j);
    });
  }
  return seen.size;
}
