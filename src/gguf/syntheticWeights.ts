// Random weights for a small model of any synthetic architecture, kept in memory so tests can
// run a reference forward pass over exactly what was written to disk.
import { byteVocab } from './byteVocab.ts';
import { SeededRandom } from './seededRandom.ts';
import type { SpmVocab } from './spmVocab.ts';
import {
  archTensorSpecs,
  GEMMA3_SWA_DEFAULTS,
  SYNTHETIC_ARCHS,
  tiesOutput,
  type SyntheticArch,
  type SyntheticHparams,
  type TensorSpec,
} from './syntheticArch.ts';

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
  /** gemma and gemma3 only: a head width other than nEmbd / nHead, as real Gemma models have. */
  headDim?: number;
  normEps?: number;
  /** Defaults to 10000, or 1e6 for gemma3 (its converter's default for the global layers). */
  ropeFreqBase?: number;
  /** gemma3 only: the sliding window in tokens. Defaults to 8, so that short tests feel it. */
  slidingWindow?: number;
  /** gemma3 only: every `swaPeriod`-th layer is global. Defaults to llama.cpp's 6. */
  swaPeriod?: number;
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
  slidingWindow: 8,
  gemma3RopeFreqBase: 1e6,
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
  const gemma3 = o.arch === 'gemma3';
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
    ropeFreqBase: o.ropeFreqBase ?? (gemma3 ? d.gemma3RopeFreqBase : d.ropeFreqBase),
  };
  if (gemma3) {
    h.swa = { window: o.slidingWindow ?? d.slidingWindow, period: o.swaPeriod ?? GEMMA3_SWA_DEFAULTS.period, ropeFreqBase: GEMMA3_SWA_DEFAULTS.ropeFreqBase };
  } else if (o.slidingWindow !== undefined || o.swaPeriod !== undefined) {
    throw new Error(`slidingWindow and swaPeriod are for gemma3, not ${o.arch}`);
  }
  // Only the Gemma archs write attention.key_length; elsewhere llama.cpp derives nEmbd / nHead.
  if (o.headDim !== undefined && o.arch !== 'gemma' && !gemma3) throw new Error(`headDim is for gemma and gemma3, not ${o.arch}`);
  for (const key of ['nLayer', 'nEmbd', 'nFf', 'nHead', 'nHeadKv', 'nCtx'] as const) {
    if (!Number.isInteger(h[key]) || h[key] <= 0) throw new Error(`${key} must be a positive integer, got ${h[key]}`);
  }
  if (o.headDim === undefined && h.nEmbd % h.nHead !== 0) throw new Error(`nEmbd (${h.nEmbd}) must be a multiple of nHead (${h.nHead})`);
  if (h.nHead % h.nHeadKv !== 0) throw new Error(`nHead (${h.nHead}) must be a multiple of nHeadKv (${h.nHeadKv})`);
  h.headDim = o.headDim ?? h.nEmbd / h.nHead;
  if (!Number.isInteger(h.headDim) || h.headDim <= 0 || h.headDim % 2 !== 0) throw new Error(`head dimension ${h.headDim} must be a positive even integer for RoPE`);
  for (const [key, v] of [['slidingWindow', h.swa?.window], ['swaPeriod', h.swa?.period]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new Error(`${key} must be a positive integer, got ${v}`);
  }
  return h;
}

function initTensor(spec: TensorSpec, h: SyntheticHparams, rng: SeededRandom, scale: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  switch (spec.init) {
    case 'embedding': {
      // Tied archs reuse this as the output projection and the gemmas multiply inputs by
      // sqrt(nEmbd), so entries of 1/sqrt(nEmbd) give O(1) logits and O(1) scaled inputs.
      const std = scale * (tiesOutput(h.arch) ? 1 / Math.sqrt(h.nEmbd) : 1);
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
      // Gemma and Gemma 3 store 1 + w here (their converters add the 1), so this suits them too.
      for (let i = 0; i < n; i++) out[i] = 1 + 0.1 * rng.normal();
      break;
    case 'bias':
      for (let i = 0; i < n; i++) out[i] = 0.1 * rng.normal();
      break;
  }
  return out;
}
