// Random weights for a small model of any synthetic architecture, kept in memory so tests can
// run a reference forward pass over exactly what was written to disk.
import { byteVocab } from './byteVocab.ts';
import { SeededRandom } from './seededRandom.ts';
import type { SpmVocab } from './spmVocab.ts';
import { archTensorSpecs, SYNTHETIC_ARCHS, type SyntheticArch, type SyntheticHparams, type TensorSpec } from './syntheticArch.ts';

export interface WeightTensor {
  /** The GGUF tensor name, e.g. "blk.0.ffn_down.weight". */
  name: string;
  /** ggml order, ne0 first; element [i1][i0] of a 2-D tensor is data[i1 * shape[0] + i0]. */
  shape: number[];
  data: Float32Array;
}

export interface SyntheticWeights {
  hparams: SyntheticHparams;
  vocab: SpmVocab;
  /** In the order they are written to the file. */
  tensors: Map<string, WeightTensor>;
}

export interface SyntheticWeightsOptions {
  arch: SyntheticArch;
  nLayer?: number;
  nEmbd?: number;
  nFf?: number;
  nHead?: number;
  /** Defaults to nHead. */
  nHeadKv?: number;
  nCtx?: number;
  normEps?: number;
  ropeFreqBase?: number;
  seed?: number;
  /** Multiplies the standard deviation of every random matrix and embedding. Defaults to 1. */
  weightScale?: number;
  /** Defaults to byteVocab(). */
  vocab?: SpmVocab;
}

export const SYNTHETIC_DEFAULTS = {
  nLayer: 2,
  nEmbd: 64,
  nFf: 128,
  nHead: 4,
  nCtx: 256,
  normEps: 1e-5,
  ropeFreqBase: 10000,
  seed: 1,
  weightScale: 1,
} as const;

export function generateSyntheticWeights(options: SyntheticWeightsOptions): SyntheticWeights {
  const hparams = resolveHparams(options);
  const vocab = options.vocab ?? byteVocab();
  const rng = new SeededRandom(options.seed ?? SYNTHETIC_DEFAULTS.seed);
  const scale = options.weightScale ?? SYNTHETIC_DEFAULTS.weightScale;
  const tensors = new Map<string, WeightTensor>();
  for (const spec of archTensorSpecs(hparams)) {
    tensors.set(spec.name, { name: spec.name, shape: spec.shape, data: initTensor(spec, hparams, rng, scale) });
  }
  return { hparams, vocab, tensors };
}

function resolveHparams(o: SyntheticWeightsOptions): SyntheticHparams {
  if (!SYNTHETIC_ARCHS.includes(o.arch)) throw new Error(`unsupported synthetic arch "${String(o.arch)}"`);
  const d = SYNTHETIC_DEFAULTS;
  const nHead = o.nHead ?? d.nHead;
  const h: SyntheticHparams = {
    arch: o.arch,
    nLayer: o.nLayer ?? d.nLayer,
    nEmbd: o.nEmbd ?? d.nEmbd,
    nFf: o.nFf ?? d.nFf,
    nHead,
    nHeadKv: o.nHeadKv ?? nHead,
    nCtx: o.nCtx ?? d.nCtx,
    nVocab: (o.vocab ?? byteVocab()).tokens.length,
    headDim: 0,
    normEps: o.normEps ?? d.normEps,
    ropeFreqBase: o.ropeFreqBase ?? d.ropeFreqBase,
  };
  for (const key of ['nLayer', 'nEmbd', 'nFf', 'nHead', 'nHeadKv', 'nCtx'] as const) {
    if (!Number.isInteger(h[key]) || h[key] <= 0) throw new Error(`${key} must be a positive integer, got ${h[key]}`);
  }
  if (h.nEmbd % h.nHead !== 0) throw new Error(`nEmbd (${h.nEmbd}) must be a multiple of nHead (${h.nHead})`);
  if (h.nHead % h.nHeadKv !== 0) throw new Error(`nHead (${h.nHead}) must be a multiple of nHeadKv (${h.nHeadKv})`);
  h.headDim = h.nEmbd / h.nHead;
  if (h.headDim % 2 !== 0) throw new Error(`head dimension ${h.headDim} must be even for RoPE`);
  return h;
}

function initTensor(spec: TensorSpec, h: SyntheticHparams, rng: SeededRandom, scale: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  switch (spec.init) {
    case 'embedding': {
      // Tied archs reuse this as the output projection and gemma multiplies inputs by
      // sqrt(nEmbd), so entries of 1/sqrt(nEmbd) give O(1) logits and O(1) scaled inputs.
      const tied = h.arch === 'gemma' || h.arch === 'bloom';
      const std = scale * (tied ? 1 / Math.sqrt(h.nEmbd) : 1);
      for (let i = 0; i < n; i++) out[i] = std * rng.normal();
      break;
    }
    case 'matrix': {
      const std = scale / Math.sqrt(spec.shape[0]);
      for (let i = 0; i < n; i++) out[i] = std * rng.normal();
      break;
    }
    case 'norm':
      // Not all ones, so a reference that forgets a norm weight disagrees with llama.cpp.
      // Gemma stores 1 + w here (its converter adds the 1), so this suits it as well.
      for (let i = 0; i < n; i++) out[i] = 1 + 0.1 * rng.normal();
      break;
    case 'bias':
      for (let i = 0; i < n; i++) out[i] = 0.1 * rng.normal();
      break;
  }
  return out;
}
