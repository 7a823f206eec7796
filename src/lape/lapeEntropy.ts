import type { ActivationStats } from './languageStats.ts';
import { LapeError } from './lapeError.ts';
import { validateStats } from './languageStats.ts';

/**
 * Activation probabilities `p[neuron * nLang + l] = overZero / tokens`, neuron = layer * nFf + j:
 * the memory order of the reference's `activation_probs` (layer x inter x lang).
 *
 * Stored as float32 on purpose. In identify.py `over_zero / n` divides an int32 tensor by an
 * int64 one, which torch computes in float32; the thresholds are then values of that float32
 * array compared with strict `>`, so counts that differ in double but coincide in float32 must
 * coincide here too for the same neurons to pass.
 */
export function activationProbabilities(stats: ActivationStats): Float32Array {
  validateStats(stats);
  const nLang = stats.languages.length;
  if (nLang === 0) throw new LapeError('invalid-stats', 'no languages');
  const nNeurons = stats.nLayer * stats.nFf;
  const probs = new Float32Array(nNeurons * nLang);
  for (const { lang, tokens } of stats.languages) {
    if (!(tokens > 0)) throw new LapeError('invalid-stats', `language "${lang}" has no tokens`);
  }
  const counts = stats.languages.map((l) => l.overZero);
  const n = stats.languages.map((l) => Math.fround(l.tokens));
  for (let i = 0, k = 0; i < nNeurons; i++) {
    for (let l = 0; l < nLang; l++, k++) {
      // float32 / float32 rounded once to float32, as torch's true_divide does.
      probs[k] = Math.fround(counts[l][i]) / n[l];
    }
  }
  return probs;
}

/**
 * LAPE of every neuron: normalise p over languages, entropy -sum(q ln q) with 0 ln 0 = 0.
 * A neuron silent in every language gets 0, as in the reference (its NaN quotients are set
 * to 0 there). Computed in double from the float32 probabilities; torch works in float32,
 * which can only matter for entropies equal to about 1e-7, where the reference's own order
 * is unspecified.
 */
export function neuronEntropy(probs: Float32Array, nLang: number): Float64Array {
  const nNeurons = probs.length / nLang;
  const entropy = new Float64Array(nNeurons);
  for (let i = 0, base = 0; i < nNeurons; i++, base += nLang) {
    let sum = 0;
    for (let l = 0; l < nLang; l++) sum += probs[base + l];
    if (sum === 0) continue;
    let h = 0;
    for (let l = 0; l < nLang; l++) {
      const q = probs[base + l] / sum;
      if (q > 0) h -= q * Math.log(q);
    }
    entropy[i] = h > 0 ? h : 0; // also turns -0 (a single active language) into +0
  }
  return entropy;
}

/**
 * Marks the neurons the reference keeps: some language's p is strictly above `threshold`.
 */
export function keptMask(probs: Float32Array, nLang: number, threshold: number): Uint8Array {
  const nNeurons = probs.length / nLang;
  const kept = new Uint8Array(nNeurons);
  for (let i = 0, base = 0; i < nNeurons; i++, base += nLang) {
    for (let l = 0; l < nLang; l++) {
      if (probs[base + l] > threshold) {
        kept[i] = 1;
        break;
      }
    }
  }
  return kept;
}
