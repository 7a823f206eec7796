import type { GenerateRequest } from '../../src/protocol/pipelineTypes.ts';
import { methodSpec, type LayerRange, type SteeringSpec } from '../../src/protocol/steering.ts';

/**
 * The study's grid of methods. Each neuron or DiffMean method is written as the product's
 * own request fields (`force` + `method` + options, or a raw `steering` spec), so the study
 * measures the code users run, not a copy of it.
 */
export interface StudyMethod {
  name: string;
  /** What the method does, for the JSON. */
  describe: string;
  kind: 'unsteered' | 'prompting' | 'steer';
  /** The same text for every target (unsteered, the paper's recipe): generated once per prompt. */
  targetIndependent?: boolean;
  /** The request fields that steer, for target `target` away from `source`. */
  request?: (target: string, source: string) => Pick<GenerateRequest, 'force' | 'method' | 'forceOptions' | 'diffMeanOptions' | 'steering'>;
}

export interface GridOptions {
  nLayer: number;
  addStrengths: readonly number[];
  /** The add-and-subtract ("language arithmetics") variants: α on the target, β off the source. */
  arithmetic: readonly { alpha: number; beta: number }[];
  scaleFactors: readonly number[];
  diffMeanStrengths: readonly number[];
  /** λ values of DiffMean on the upper half of the blocks only. */
  diffMeanUpperStrengths: readonly number[];
}

/**
 * The grid of the recorded study (study/steering-study.json), small enough for 2 CPU cores:
 * one 24-token continuation of Gemma 3 270M takes about a second on an idle machine, and the
 * recorded run (10 prompts x 6 targets) took 24 minutes beside other jobs. Strengths were narrowed by earlier runs: α = 5
 * switched the language but wrecked the text (fluency x211), α ≤ 0.5 and scale ≤ 2 barely
 * moved it, DiffMean λ = 0.5 on every block repeated single words.
 */
export const DEFAULT_GRID: Omit<GridOptions, 'nLayer'> = {
  addStrengths: [1, 2],
  arithmetic: [{ alpha: 2, beta: 1 }],
  scaleFactors: [2],
  diffMeanStrengths: [0.1, 0.15, 0.2, 0.25],
  diffMeanUpperStrengths: [0.25, 0.5],
};

/**
 * More strengths, for a machine where generation is cheap (a GPU): where each method family
 * starts to switch the language and where it starts to break the text.
 */
export const WIDE_GRID: Omit<GridOptions, 'nLayer'> = {
  addStrengths: [0.25, 0.5, 1, 2, 5],
  arithmetic: [{ alpha: 1, beta: 1 }, { alpha: 2, beta: 1 }],
  scaleFactors: [1.5, 2, 4],
  diffMeanStrengths: [0.05, 0.1, 0.25, 0.5],
  diffMeanUpperStrengths: [0.25, 0.5, 1, 2],
};

export const GRIDS = { small: DEFAULT_GRID, wide: WIDE_GRID } as const;

/** The upper half of the blocks: where the literature finds language output is decided. */
export function upperBlocks(nLayer: number): LayerRange {
  return { from: Math.floor(nLayer / 2), to: nLayer - 1 };
}

export function studyMethods(o: GridOptions): StudyMethod[] {
  const methods: StudyMethod[] = [
    { name: 'unsteered', describe: 'no change', kind: 'unsteered', targetIndependent: true },
    { name: 'prompting', describe: '"Answer in X." appended to the question (neutral prompts: "Write in X." on a line before)', kind: 'prompting' },
    {
      name: 'paper (zero source)',
      describe: "the reference generation.py's recipe: the source language's neurons set to 0, nothing else, every position",
      kind: 'steer',
      targetIndependent: true,
      request: (_t, source) => ({ steering: { deactivate: [source], positions: 'all' } }),
    },
    {
      name: 'force (defaults)',
      describe: "the product's Force recipe with its defaults, told the source language",
      kind: 'steer',
      request: (target, source) => ({ force: target, method: 'force-neurons', forceOptions: { source } }),
    },
  ];
  for (const a of o.addStrengths) {
    methods.push({
      name: `add α=${a}`,
      describe: `target neurons += ${a} × their mean, nothing deactivated`,
      kind: 'steer',
      request: (target, source) => ({ force: target, method: 'force-neurons', forceOptions: { source, deactivate: 'none', mode: 'add', strength: a } }),
    });
  }
  for (const { alpha, beta } of o.arithmetic) {
    methods.push({
      name: `add α=${alpha} −β=${beta} src`,
      describe: `target neurons += ${alpha} × mean, source neurons −= ${beta} × mean (language arithmetics)`,
      kind: 'steer',
      request: (target, source) => ({ force: target, method: 'force-neurons', forceOptions: { source, deactivate: 'none', mode: 'add', strength: alpha, subtractSource: beta } }),
    });
  }
  for (const f of o.scaleFactors) {
    methods.push({
      name: `scale ×${f}`,
      describe: `target neurons' activation × ${f} (amplification), nothing deactivated`,
      kind: 'steer',
      request: (target, source) => ({ force: target, method: 'force-neurons', forceOptions: { source, deactivate: 'none', mode: 'scale', strength: f } }),
    });
  }
  const upper = upperBlocks(o.nLayer);
  for (const [where, layers, strengths] of [['all blocks', undefined, o.diffMeanStrengths], [`blocks ${upper.from}-${upper.to}`, upper, o.diffMeanUpperStrengths]] as const) {
    for (const l of strengths) {
      methods.push({
        name: `diffmean λ=${l} ${where}`,
        describe: `λ=${l} × (mean residual of X − mean over languages) added after ${layers ? `blocks ${layers.from}..${layers.to}` : 'every block from 1'}`,
        kind: 'steer',
        request: (target) => ({ force: target, method: 'diffmean', diffMeanOptions: { strength: l, ...(layers ? { layers } : {}) } }),
      });
    }
  }
  return methods;
}

/** The spec a method's request stands for: the same mapping runGenerate makes, for scoring held-out text with it. */
export function specOf(req: ReturnType<NonNullable<StudyMethod['request']>>, languages: readonly string[]): SteeringSpec {
  if (req.steering) return req.steering;
  if (!req.force) throw new Error('A steering request needs force or steering.');
  return methodSpec(req.method ?? 'force-neurons', languages, req.force, { force: req.forceOptions, diffMean: req.diffMeanOptions });
}
