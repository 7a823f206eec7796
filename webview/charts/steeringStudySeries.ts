/**
 * The steering study's record turned into what its two charts and their tables draw. Pure (no
 * DOM, no theme, no Chart.js), so the unit tests can pin every number to the record.
 */
import type { SteeringStudyMethodSummary, SteeringStudyView } from '../../src/protocol/steeringStudy.ts';

/**
 * How a method stands: the verdict's best method, another that meets the acceptance, any other
 * steering method, or the unsteered reference (which has no summary: gains are measured from it).
 */
export type MethodStatus = 'best' | 'accepted' | 'other' | 'reference';

export function methodStatus(study: SteeringStudyView, method: string): MethodStatus {
  if (study.best === method) return 'best';
  const summary = study.summaries.find((s) => s.method === method);
  if (summary === undefined) return 'reference';
  return summary.meetsAcceptance ? 'accepted' : 'other';
}

export interface SuccessMatrix {
  methods: string[];
  targets: string[];
  /** [method][target] in percent (0..100); null where the study did not measure the pair. */
  percent: (number | null)[][];
}

/** Success per method (rows) and target (columns), leaving out targets the language filter hides. */
export function successMatrix(study: SteeringStudyView, hidden: ReadonlySet<string> = new Set()): SuccessMatrix {
  const columns = study.targets.map((t, j) => ({ t, j })).filter(({ t }) => !hidden.has(t));
  return {
    methods: study.methods.map((m) => m.name),
    targets: columns.map(({ t }) => t),
    percent: study.success.map((row) => columns.map(({ j }) => (row[j] === null || row[j] === undefined ? null : 100 * row[j]))),
  };
}

export interface TradeoffPoint {
  method: string;
  /** Worst target's fluency ratio to unsteered (continuations scored on their own). */
  x: number;
  /** Mean gain over unsteered, in points. */
  y: number;
  status: MethodStatus;
}

/**
 * One point per steering method: mean gain against worst fluency ratio. A method without a
 * ratio (some target got no text at all) cannot be placed and is named in `offChart` instead.
 */
export function tradeoffPoints(study: SteeringStudyView): { points: TradeoffPoint[]; offChart: string[] } {
  const points: TradeoffPoint[] = [];
  const offChart: string[] = [];
  for (const s of study.summaries) {
    if (s.worstFluencyRatio === null || s.worstFluencyRatio <= 0) offChart.push(s.method);
    else points.push({ method: s.method, x: s.worstFluencyRatio, y: s.meanGain, status: methodStatus(study, s.method) });
  }
  return { points, offChart };
}

/** Powers of two around `values` (and `must`, e.g. the fluency limit): the log axis's range and ticks. */
export function powerOfTwoTicks(values: readonly number[], must: number): number[] {
  const all = [...values, must].filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.floor(Math.log2(Math.min(...all)));
  const hi = Math.ceil(Math.log2(Math.max(...all)));
  const ticks: number[] = [];
  for (let e = lo; e <= Math.max(hi, lo + 1); e++) ticks.push(2 ** e);
  return ticks;
}

export const formatRatio = (r: number | null): string => (r === null ? 'n/a' : `×${r.toFixed(2)}`);

export interface SummaryTable {
  colLabels: string[];
  rowLabels: string[];
  cells: string[][];
}

/** The per-method figures the acceptance reads, one row per steering method. */
export function summaryTable(study: SteeringStudyView): SummaryTable {
  const { gainPoints, fluencyFactor } = study.acceptance;
  const row = (s: SteeringStudyMethodSummary) => [
    s.meanGain.toFixed(1),
    `${s.targetsMeetingGain} of ${study.targets.length}`,
    formatRatio(s.worstFluencyRatio),
    formatRatio(s.worstInContextRatio),
    s.meetsAcceptance ? 'yes' : 'no',
  ];
  return {
    colLabels: ['mean gain (points)', `targets ≥ ${gainPoints} points`, `worst fluency (pass: ≤ ×${fluencyFactor})`, 'after the prompt', 'meets acceptance'],
    rowLabels: study.summaries.map((s) => (study.best === s.method ? `${s.method} (best)` : s.method)),
    cells: study.summaries.map(row),
  };
}

/** The line under the section's heading: what was run, on what, and how success was judged. */
export function studyMetaLine(study: SteeringStudyView): string {
  const s = study.settings;
  const build = s.build === undefined ? '' : ` · llama.cpp build: ${s.build}`;
  return (
    `${s.model} · seed ${s.seed} · ${s.neutralPrompts + s.mvicunaPrompts} prompts (${s.neutralPrompts} neutral, ${s.mvicunaPrompts} mvicuna questions in ${s.source}) ` +
    `× ${s.maxTokens} tokens, greedy${build} · success: identified as the target by ${study.identifier.name} ${study.identifier.version} among ${study.identifier.among.join(', ')}`
  );
}

/** The study's verdict, said to be partial when the run was cut short. */
export function studyVerdict(study: SteeringStudyView): string {
  return study.complete ? study.verdict : `Partial run: ${study.methodsDone} of ${study.methods.length} methods measured. ${study.verdict}`;
}
