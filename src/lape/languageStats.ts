import { LapeError } from './lapeError.ts';

/**
 * What one language's corpus did to every FFN neuron. Flat arrays are indexed
 * `[layer * nFf + j]`, the order of torch's `over_zero[layer, j]`.
 */
export interface LanguageStats {
  lang: string;
  /** Tokens seen: the reference's `n`. */
  tokens: number;
  /** Tokens on which the neuron was active (act_fn(gate) > 0): the reference's `over_zero`. */
  overZero: Float64Array;
  /**
   * Sum of act_fn(gate) over those tokens (the reference's `sum1`). NaN everywhere when the
   * source did not record it, so a mean computed from it is visibly unknown rather than 0.
   */
  sumAct: Float64Array;
}

export interface ActivationStats {
  nLayer: number;
  nFf: number;
  languages: LanguageStats[];
}

/** Creates zeroed statistics for the given languages, ready to accumulate into. */
export function emptyStats(nLayer: number, nFf: number, langs: readonly string[]): ActivationStats {
  return {
    nLayer,
    nFf,
    languages: langs.map((lang) => ({
      lang,
      tokens: 0,
      overZero: new Float64Array(nLayer * nFf),
      sumAct: new Float64Array(nLayer * nFf),
    })),
  };
}

/** Throws a typed error unless every array matches the declared shape. */
export function validateStats(stats: ActivationStats): void {
  const { nLayer, nFf } = stats;
  if (!Number.isInteger(nLayer) || !Number.isInteger(nFf) || nLayer <= 0 || nFf <= 0) {
    throw new LapeError('invalid-stats', `invalid shape ${nLayer} x ${nFf}`);
  }
  const size = nLayer * nFf;
  const seen = new Set<string>();
  for (const l of stats.languages) {
    if (seen.has(l.lang)) throw new LapeError('invalid-stats', `language "${l.lang}" appears twice`);
    seen.add(l.lang);
    if (l.overZero.length !== size || l.sumAct.length !== size) {
      throw new LapeError(
        'shape-mismatch',
        `language "${l.lang}" has ${l.overZero.length} counts and ${l.sumAct.length} sums, expected ${size} (${nLayer} x ${nFf})`,
      );
    }
    if (!(l.tokens >= 0) || !Number.isFinite(l.tokens)) {
      throw new LapeError('invalid-stats', `language "${l.lang}" has an invalid token count ${l.tokens}`);
    }
  }
}

/**
 * Adds two accumulations of the same model and languages, e.g. shards of one corpus.
 * Languages are matched by name and must be the same set in the same order, because a
 * silent union would make the token budgets of the languages unequal.
 */
export function mergeStats(a: ActivationStats, b: ActivationStats): ActivationStats {
  validateStats(a);
  validateStats(b);
  if (a.nLayer !== b.nLayer || a.nFf !== b.nFf) {
    throw new LapeError('shape-mismatch', `cannot merge ${a.nLayer} x ${a.nFf} statistics with ${b.nLayer} x ${b.nFf}`);
  }
  const la = a.languages.map((l) => l.lang);
  const lb = b.languages.map((l) => l.lang);
  if (la.length !== lb.length || la.some((lang, i) => lang !== lb[i])) {
    throw new LapeError('language-mismatch', `cannot merge languages [${la.join(', ')}] with [${lb.join(', ')}]`);
  }
  return {
    nLayer: a.nLayer,
    nFf: a.nFf,
    languages: a.languages.map((x, i) => {
      const y = b.languages[i];
      const overZero = new Float64Array(x.overZero.length);
      const sumAct = new Float64Array(x.sumAct.length);
      for (let k = 0; k < overZero.length; k++) {
        overZero[k] = x.overZero[k] + y.overZero[k];
        sumAct[k] = x.sumAct[k] + y.sumAct[k];
      }
      return { lang: x.lang, tokens: x.tokens + y.tokens, overZero, sumAct };
    }),
  };
}

/**
 * Mean act_fn(gate) of every neuron over all of the language's tokens (active or not), the
 * value the "set to mean" intervention writes. NaN where the sums are unknown or no token
 * was seen.
 */
export function meanActivation(stats: ActivationStats, lang: string): Float64Array {
  const l = stats.languages.find((x) => x.lang === lang);
  if (!l) throw new LapeError('language-mismatch', `no statistics for language "${lang}"`);
  const out = new Float64Array(l.sumAct.length);
  const n = l.tokens > 0 ? l.tokens : NaN;
  for (let k = 0; k < out.length; k++) out[k] = l.sumAct[k] / n;
  return out;
}
