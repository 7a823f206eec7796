// Writes a small random GGUF model that llama.cpp loads and runs, for tests and demos.
import { roundToFloat16 } from './float16.ts';
import { GgufWriter } from './ggufWriter.ts';
import { setSpmVocab } from './spmVocab.ts';
import { setArchMetadata, type SyntheticArch } from './syntheticArch.ts';
import {
  generateSyntheticWeights,
  type SyntheticWeights,
  type SyntheticWeightsOptions,
  type WeightTensor,
} from './syntheticWeights.ts';

export interface FfnDownColumns {
  layer: number;
  /** Neuron indices in 0..nFf-1: the columns of blk.<layer>.ffn_down to zero. */
  neurons: number[];
}

export interface SyntheticModelOptions extends Omit<SyntheticWeightsOptions, 'arch'> {
  /** Required unless `weights` is given. */
  arch?: SyntheticArch;
  /**
   * Write these weights instead of drawing new ones, so several files (F32 and F16, with and
   * without zeroed columns) share one set. Shape options, if also given, must agree with them;
   * seed, weightScale and vocab must then be left out.
   */
  weights?: SyntheticWeights;
  /** Matrices and embeddings use this type; 1-D norms and biases stay F32, as converters do. */
  dtype?: 'f32' | 'f16';
  /**
   * Zero these columns of ffn_down in the written file. Neuron j then contributes nothing to the
   * FFN output, which is what zeroing act_fn(gate)[j] at run time does.
   */
  zeroFfnDownColumns?: FfnDownColumns[];
  /** general.name; defaults to "lape-synthetic". */
  name?: string;
  signal?: AbortSignal;
}

/**
 * Writes the model and returns the weights exactly as stored: rounded to F16 where the file
 * holds F16, with the requested ffn_down columns zeroed. Treat the arrays as read-only; tensors
 * that needed no change share their arrays with `options.weights`.
 */
export async function writeSyntheticModel(path: string, options: SyntheticModelOptions): Promise<SyntheticWeights> {
  const source = options.weights ? checkReuse(options.weights, options) : generate(options);
  const dtype = options.dtype ?? 'f32';
  const tensors = new Map<string, WeightTensor>();
  for (const [name, t] of source.tensors) {
    const data = t.shape.length > 1 && dtype === 'f16' ? roundToFloat16(t.data) : t.data;
    tensors.set(name, { name, shape: t.shape, data });
  }
  for (const z of options.zeroFfnDownColumns ?? []) zeroColumns(tensors, source, z);
  const written: SyntheticWeights = { hparams: source.hparams, vocab: source.vocab, tensors };

  const writer = new GgufWriter();
  setArchMetadata(writer, written.hparams, dtype, modelName(options.name, written));
  setSpmVocab(writer, written.vocab);
  for (const t of tensors.values()) {
    writer.addTensor({ name: t.name, shape: t.shape, type: t.shape.length > 1 ? dtype : 'f32', data: t.data });
  }
  await writer.write(path, { signal: options.signal });
  return written;
}

function modelName(name: string | undefined, w: SyntheticWeights): string {
  const n = name ?? 'lape-synthetic';
  // llama.cpp's vocab loader matches general.name against "phi-3"/"phi3" and then looks up
  // "<|endoftext|>" with map::at, which aborts the load when the vocab lacks that piece.
  if (/phi-?3/i.test(n) && !w.vocab.tokens.includes('<|endoftext|>')) {
    throw new Error(`general.name "${n}" makes llama.cpp expect a "<|endoftext|>" token that this vocab lacks`);
  }
  return n;
}

function generate(options: SyntheticModelOptions): SyntheticWeights {
  if (!options.arch) throw new Error('writeSyntheticModel needs `arch` or `weights`');
  return generateSyntheticWeights({ ...options, arch: options.arch });
}

function checkReuse(w: SyntheticWeights, o: SyntheticModelOptions): SyntheticWeights {
  for (const key of ['seed', 'weightScale', 'vocab'] as const) {
    if (o[key] !== undefined) throw new Error(`\`${key}\` has no effect when \`weights\` is given`);
  }
  const h = w.hparams;
  const pairs: [string, unknown, unknown][] = [
    ['arch', o.arch, h.arch], ['nLayer', o.nLayer, h.nLayer], ['nEmbd', o.nEmbd, h.nEmbd],
    ['nFf', o.nFf, h.nFf], ['nHead', o.nHead, h.nHead], ['nHeadKv', o.nHeadKv, h.nHeadKv],
    ['nCtx', o.nCtx, h.nCtx], ['normEps', o.normEps, h.normEps], ['ropeFreqBase', o.ropeFreqBase, h.ropeFreqBase],
    ['headDim', o.headDim, h.headDim], ['slidingWindow', o.slidingWindow, h.swa?.window], ['swaPeriod', o.swaPeriod, h.swa?.period],
  ];
  for (const [key, given, actual] of pairs) {
    if (given !== undefined && given !== actual) throw new Error(`${key} ${String(given)} disagrees with the weights (${String(actual)})`);
  }
  return w;
}

function zeroColumns(tensors: Map<string, WeightTensor>, source: SyntheticWeights, z: FfnDownColumns): void {
  const { nLayer, nFf, nEmbd } = source.hparams;
  if (!Number.isInteger(z.layer) || z.layer < 0 || z.layer >= nLayer) throw new Error(`layer ${z.layer} is out of range 0..${nLayer - 1}`);
  const name = `blk.${z.layer}.ffn_down.weight`;
  const t = tensors.get(name);
  if (!t) throw new Error(`missing tensor ${name}`);
  // Copy unless an earlier entry (or F16 rounding) already made this array ours.
  const data = t.data === source.tensors.get(name)?.data ? t.data.slice() : t.data;
  for (const j of z.neurons) {
    if (!Number.isInteger(j) || j < 0 || j >= nFf) throw new Error(`neuron ${j} is out of range 0..${nFf - 1}`);
    // ffn_down is [nFf, nEmbd] in ggml order: nEmbd rows of nFf values; neuron j is column j.
    for (let e = 0; e < nEmbd; e++) data[e * nFf + j] = 0;
  }
  tensors.set(name, { ...t, data });
}
