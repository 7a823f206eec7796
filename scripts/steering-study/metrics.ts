/**
 * The steering study's pure parts: pooled perplexity, success shares, the choice of the best
 * method and the Markdown table. No model and no files here, so the unit tests can pin down
 * exactly how a number in the table was made.
 */

/** One continuation of one prompt under one method toward one target. */
export interface Continuation {
  promptSet: 'neutral' | 'mvicuna';
  prompt: string;
  text: string;
  /** franc's answer among the study's languages, or null when the text is too short. */
  language: string | null;
  /** Log-probabilities of the continuation's tokens under the unsteered model, given the prompt. */
  logProbs: number[];
  /**
   * The same for the continuation on its own (after BOS, no prompt): is it fluent text in
   * whatever language it is in. Given an English prompt, any switch of language is itself
   * improbable to the unsteered model, so the in-context figure also charges the switch.
   */
  logProbsAlone: number[];
}

/** One method's figures for one target. */
export interface Cell {
  target: string;
  method: string;
  n: number;
  /** Share of continuations identified as the target (0..1). */
  success: number;
  successNeutral: number;
  successMvicuna: number;
  /** Perplexity of the steered continuations under the unsteered model, pooled over tokens; null with no tokens. */
  fluencyPpl: number | null;
  /** The same for the unsteered continuations of the same prompts. */
  baselinePpl: number | null;
  /** Perplexity of the steered continuations scored on their own (no prompt), pooled over tokens. */
  fluencyAlonePpl: number | null;
  /** The same for the unsteered continuations. */
  baselineAlonePpl: number | null;
  /** Mean relative held-out perplexity change of the other languages (0.1 = +10%); null where not measured. */
  sideEffect: number | null;
  /** The same change per other language. */
  sideEffectByLanguage: Record<string, number> | null;
}

/**
 * exp of the mean negative log-probability over all tokens of all texts. Pooling by token,
 * not averaging per-text perplexities, so a one-token continuation cannot dominate.
 */
export function pooledPerplexity(logProbs: readonly (readonly number[])[]): number | null {
  let nll = 0;
  let n = 0;
  for (const lp of logProbs) {
    for (const v of lp) {
      nll -= v;
      n++;
    }
  }
  return n === 0 ? null : Math.exp(nll / n);
}

/** Share of `items` whose language is `target`; 0 for none (an empty set succeeds nowhere). */
export function successShare(items: readonly Pick<Continuation, 'language'>[], target: string): number {
  return items.length === 0 ? 0 : items.filter((c) => c.language === target).length / items.length;
}

/** Relative change of each other language's perplexity; `base` and `steered` are keyed by language. */
export function sideEffects(base: Record<string, number>, steered: Record<string, number>): { mean: number; byLanguage: Record<string, number> } {
  const byLanguage: Record<string, number> = {};
  for (const [l, s] of Object.entries(steered)) byLanguage[l] = s / base[l] - 1;
  const v = Object.values(byLanguage);
  return { mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0, byLanguage };
}

export function makeCell(target: string, method: string, steered: readonly Continuation[], unsteered: readonly Continuation[], side: { mean: number; byLanguage: Record<string, number> } | null): Cell {
  return {
    target,
    method,
    n: steered.length,
    success: successShare(steered, target),
    successNeutral: successShare(steered.filter((c) => c.promptSet === 'neutral'), target),
    successMvicuna: successShare(steered.filter((c) => c.promptSet === 'mvicuna'), target),
    fluencyPpl: pooledPerplexity(steered.map((c) => c.logProbs)),
    baselinePpl: pooledPerplexity(unsteered.map((c) => c.logProbs)),
    fluencyAlonePpl: pooledPerplexity(steered.map((c) => c.logProbsAlone)),
    baselineAlonePpl: pooledPerplexity(unsteered.map((c) => c.logProbsAlone)),
    sideEffect: side?.mean ?? null,
    sideEffectByLanguage: side?.byLanguage ?? null,
  };
}

/** A method's figures over all targets, as the acceptance reads them. */
export interface MethodSummary {
  method: string;
  /** Mean over targets of (success − unsteered success), in points (0..100). */
  meanGain: number;
  /** Targets whose gain is at least `gainPoints`. */
  targetsMeetingGain: number;
  /** Every target's fluency (on the rule's basis) within `fluencyFactor` × its unsteered perplexity. */
  fluent: boolean;
  /** Worst target's steered ÷ unsteered perplexity, continuations scored on their own. */
  worstFluencyRatio: number | null;
  /** The same, continuations scored after their prompt. */
  worstInContextRatio: number | null;
  meanSideEffect: number | null;
  meetsAcceptance: boolean;
}

export interface AcceptanceRule {
  /** Gain over unsteered, in points. */
  gainPoints: number;
  /** How many targets must reach it. */
  targets: number;
  /** Steered perplexity may be at most this many times the unsteered one. */
  fluencyFactor: number;
  /** Which perplexity the factor applies to: the continuation on its own, or after its prompt. */
  fluencyBasis: 'alone' | 'inContext';
}

export const ACCEPTANCE: AcceptanceRule = { gainPoints: 40, targets: 4, fluencyFactor: 2, fluencyBasis: 'alone' };

/** Each steering method's summary; 'unsteered' itself is the reference and is left out. */
export function summarizeMethods(cells: readonly Cell[], unsteered = 'unsteered', rule: AcceptanceRule = ACCEPTANCE): MethodSummary[] {
  const base = new Map(cells.filter((c) => c.method === unsteered).map((c) => [c.target, c.success]));
  const methods = [...new Set(cells.map((c) => c.method))].filter((m) => m !== unsteered);
  return methods.map((method) => {
    const mine = cells.filter((c) => c.method === method);
    const gains = mine.map((c) => 100 * (c.success - (base.get(c.target) ?? 0)));
    const ratio = (a: number | null, b: number | null) => (a === null || b === null ? Infinity : a / b);
    const worstOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
    const worstAlone = worstOf(mine.map((c) => ratio(c.fluencyAlonePpl, c.baselineAlonePpl)));
    const worstInContext = worstOf(mine.map((c) => ratio(c.fluencyPpl, c.baselinePpl)));
    const worst = rule.fluencyBasis === 'alone' ? worstAlone : worstInContext;
    const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
    // A method with no text at all for some target cannot call itself fluent.
    const fluent = worst !== null && worst <= rule.fluencyFactor;
    const sides = mine.map((c) => c.sideEffect).filter((s): s is number => s !== null);
    const targetsMeetingGain = gains.filter((g) => g >= rule.gainPoints).length;
    return {
      method,
      meanGain: gains.length ? gains.reduce((a, b) => a + b, 0) / gains.length : 0,
      targetsMeetingGain,
      fluent,
      worstFluencyRatio: finite(worstAlone),
      worstInContextRatio: finite(worstInContext),
      meanSideEffect: sides.length ? sides.reduce((a, b) => a + b, 0) / sides.length : null,
      meetsAcceptance: fluent && targetsMeetingGain >= rule.targets,
    };
  });
}

/** The fluent method with the largest mean gain (ties: the earlier one in the grid), or undefined when none is fluent. */
export function bestMethod(summaries: readonly MethodSummary[]): MethodSummary | undefined {
  let best: MethodSummary | undefined;
  for (const s of summaries) if (s.fluent && (!best || s.meanGain > best.meanGain)) best = s;
  return best;
}

const pct = (x: number) => `${Math.round(100 * x)}`;
const num = (x: number | null) => (x === null ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const signedPct = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);

/**
 * Two tables: success (%) per method × target, and per method the mean gain, fluency and
 * side effects. One row per method keeps 6 targets × ~20 methods readable.
 */
export function markdownTable(cells: readonly Cell[], summaries: readonly MethodSummary[], targets: readonly string[]): string {
  const methods = [...new Set(cells.map((c) => c.method))];
  const at = (m: string, t: string) => cells.find((c) => c.method === m && c.target === t);
  const lines = [
    `| method | ${targets.map((t) => `${t} %`).join(' | ')} | mean gain (pts) | targets ≥ 40 pts | fluency: ppl alone (worst ×unsteered) | ppl after the prompt (worst ×unsteered) | side effect (mean Δppl others) |`,
    `|---|${targets.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  ];
  for (const m of methods) {
    const s = summaries.find((x) => x.method === m);
    const row = targets.map((t) => {
      const c = at(m, t);
      return c ? pct(c.success) : '';
    });
    const meanOf = (key: 'fluencyPpl' | 'fluencyAlonePpl') => {
      const ppl = cells.filter((c) => c.method === m).map((c) => c[key]).filter((x): x is number => x !== null);
      return ppl.length ? ppl.reduce((a, b) => a + b, 0) / ppl.length : null;
    };
    const ratio = (r: number | null | undefined) => (r === undefined ? '' : ` (×${r === null ? 'n/a' : r.toFixed(2)})`);
    const alone = `${num(meanOf('fluencyAlonePpl'))}${ratio(s?.worstFluencyRatio)}`;
    const inContext = `${num(meanOf('fluencyPpl'))}${ratio(s?.worstInContextRatio)}`;
    const side = s ? signedPct(s.meanSideEffect) : '0 (reference)';
    lines.push(`| ${m} | ${row.join(' | ')} | ${s ? s.meanGain.toFixed(1) : '—'} | ${s ? s.targetsMeetingGain : '—'} | ${alone} | ${inContext} | ${side} |`);
  }
  return lines.join('\n');
}
