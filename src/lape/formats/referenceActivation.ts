import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LapeError } from '../lapeError.ts';
import type { ActivationStats, LanguageStats } from '../languageStats.ts';
import { validateStats } from '../languageStats.ts';
import { readTorchArchive } from './readTorchArchive.ts';
import { isTorchTensor } from './torchTensor.ts';

/**
 * activation.py saves `dict(n, sum1, sum2, sum3, sum4, over_zero)` to
 * `data/activation.<lang>.train.<model>` (e.g. activation.zh.train.llama-7b), and identify.py
 * reads those names back. n is a Python int; over_zero an int32 (or int64) [layers, n_ff]
 * tensor; sum1 the float32 sum of act_fn(gate), which becomes sumAct. Files without sum1
 * (only n and over_zero) give NaN sums: means from them are unknown, not zero.
 */
export function parseReferenceActivation(bytes: Uint8Array, fileName: string, lang?: string): LanguageStats {
  return decode(bytes, fileName, lang).stats;
}

function decode(bytes: Uint8Array, fileName: string, lang?: string): { stats: LanguageStats; shape: number[] } {
  const value = readTorchArchive(bytes, fileName);
  if (!(value instanceof Map)) throw new LapeError('corrupt', 'not an activation file: the top level is not a dict', fileName);
  const n = scalar(value.get('n'));
  if (n === undefined || !Number.isInteger(n) || n <= 0) {
    throw new LapeError('corrupt', 'not an activation file: "n" is missing or not a positive integer', fileName);
  }
  const overZero = value.get('over_zero');
  if (!isTorchTensor(overZero) || overZero.shape.length !== 2) {
    throw new LapeError('corrupt', 'not an activation file: "over_zero" is missing or not a [layers, n_ff] tensor', fileName);
  }
  const sum1 = value.get('sum1');
  let sumAct: Float64Array;
  if (sum1 === undefined) sumAct = new Float64Array(overZero.values.length).fill(NaN);
  else if (isTorchTensor(sum1) && sum1.shape.join() === overZero.shape.join()) sumAct = Float64Array.from(sum1.values);
  else throw new LapeError('corrupt', `"sum1" has a different shape from "over_zero"`, fileName);
  const resolvedLang = lang ?? parseReferenceActivationName(fileName)?.lang;
  if (resolvedLang === undefined) {
    throw new LapeError('invalid-params', 'cannot tell the language from the file name (activation.<lang>.train.<model>); give it explicitly', fileName);
  }
  return {
    stats: { lang: resolvedLang, tokens: n, overZero: Float64Array.from(overZero.values), sumAct },
    shape: overZero.shape,
  };
}

/** Reads one activation file per language (all of one model) into ActivationStats. */
export function readReferenceActivations(paths: readonly string[], langs?: readonly string[]): ActivationStats {
  if (paths.length === 0) throw new LapeError('invalid-params', 'no activation files given');
  let nLayer = 0;
  let nFf = 0;
  const languages = paths.map((path, i) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new LapeError('not-found', `cannot read: ${(e as Error).message}`, path, { cause: e });
    }
    const { stats, shape } = decode(bytes, path, langs?.[i]);
    if (i === 0) [nLayer, nFf] = shape;
    else if (shape[0] !== nLayer || shape[1] !== nFf) {
      throw new LapeError('shape-mismatch', `over_zero is ${shape[0]} x ${shape[1]}, ${paths[0]} has ${nLayer} x ${nFf}`, path);
    }
    return stats;
  });
  const stats = { nLayer, nFf, languages };
  validateStats(stats);
  return stats;
}

/** Splits `activation.<lang>.train.<model>` (any directory) into its parts. */
export function parseReferenceActivationName(path: string): { lang: string; split: string; model: string } | undefined {
  const m = /^activation\.([^.]+)\.([^.]+)\.(.+)$/.exec(basename(path));
  return m ? { lang: m[1], split: m[2], model: m[3] } : undefined;
}

export function referenceActivationName(lang: string, model: string, split = 'train'): string {
  return `activation.${lang}.${split}.${model}`;
}

function scalar(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (isTorchTensor(v) && v.values.length === 1) return v.values[0];
  return undefined;
}
