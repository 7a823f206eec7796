/**
 * Steering: the contract shared by the CLI, the analysis process, the extension and the
 * webview, and the named recipes over it. Plain data and pure functions only.
 *
 * The interventions a spec can express, on act = act_fn(gate) of a language's neurons:
 * - deactivation (`deactivate`): act = 0, the paper's and the reference code's recipe;
 * - set to value (`mode: 'mean'`): act = strength × the language's mean activation;
 * - additive, "language arithmetics" (`mode: 'add'` plus `subtract`): act += α × mean of
 *   the target language, and act -= β × mean of the source language (Gurgurov et al. 2025);
 * - multiplicative amplification (`mode: 'scale'`): act *= strength;
 * and, outside the neurons, a DiffMean direction added to the residual stream (`diffMean`).
 */

/** Inclusive layer range: only layers in [from, to] are edited. */
export interface LayerRange {
  from: number;
  to: number;
}

/**
 * Which forward passes the edits apply to:
 * - 'prompt': the prompt's positions except its last one;
 * - 'generated': every position whose output is sampled, i.e. the prompt's last position
 *   (which yields the first generated token) and each generated token;
 * - 'all' (default): both.
 */
export type SteeringPositions = 'all' | 'prompt' | 'generated';

/** How the neurons of `activate` languages are changed (see the file comment). */
export type ActivateMode = 'mean' | 'scale' | 'add';

/** A neuron picked by hand. `value` defaults to the mean of the neuron's own languages ('mean', 'add') or `strength` ('scale'). */
export interface HandNeuronEdit {
  layer: number;
  index: number;
  mode: 'zero' | ActivateMode;
  value?: number;
}

/** Adds strength × (mean residual of `language` − mean over all languages) to the output of each chosen block. */
export interface DiffMeanSteering {
  language: string;
  strength: number;
  /** Blocks whose output gets the direction; default every block from 1 (llama.cpp's control vectors never touch block 0). */
  layers?: LayerRange;
}

export interface SteeringSpec {
  /** Languages whose neurons are deactivated (act = 0). */
  deactivate?: string[];
  /** Languages whose neurons are activated, as `mode` says. */
  activate?: string[];
  /** Default 'mean'. */
  mode?: ActivateMode;
  /** Multiplier of the mean for 'mean' and 'add' (α), factor for 'scale'. Default 1. */
  strength?: number;
  /** Languages whose mean is subtracted from their neurons (the β side of arithmetics). */
  subtract?: string[];
  /** β. Default 1. */
  subtractStrength?: number;
  /** Extra neurons picked by hand; they take precedence over everything else. */
  neurons?: HandNeuronEdit[];
  /** Only layers in [from, to] are edited. */
  layers?: LayerRange;
  positions?: SteeringPositions;
  diffMean?: DiffMeanSteering;
}

/**
 * The parameters of "Force output language". The defaults are today's recipe, kept until
 * a measurement on a real model chooses better ones.
 */
export interface ForceRecipeOptions {
  /** The prompt's language, when known. */
  source?: string;
  /**
   * Whose neurons are deactivated: every other detected language ('others'), only `source`
   * ('source': nobody's when the prompt's language is not known), or nobody ('none').
   */
  deactivate?: 'others' | 'source' | 'none';
  mode?: ActivateMode;
  strength?: number;
  /** β > 0 subtracts β × the source language's mean from its neurons (needs `source`). */
  subtractSource?: number;
  layers?: LayerRange;
  positions?: SteeringPositions;
}

export const DEFAULT_FORCE_RECIPE: Required<Omit<ForceRecipeOptions, 'source' | 'layers'>> = {
  deactivate: 'others',
  mode: 'mean',
  strength: 1,
  subtractSource: 0,
  positions: 'all',
};

/** "Force output language `target`" over the detected `languages`: the one implementation of the recipe. */
export function forceLanguageSpec(languages: readonly string[], target: string, options: ForceRecipeOptions = {}): SteeringSpec {
  const d = DEFAULT_FORCE_RECIPE;
  // `??`, not a spread: an option present but undefined keeps its default.
  const o = {
    deactivate: options.deactivate ?? d.deactivate,
    mode: options.mode ?? d.mode,
    strength: options.strength ?? d.strength,
    subtractSource: options.subtractSource ?? d.subtractSource,
    positions: options.positions ?? d.positions,
    layers: options.layers,
  };
  const { source } = options;
  const deactivate =
    o.deactivate === 'others' ? languages.filter((l) => l !== target)
    : o.deactivate === 'source' && source !== undefined && source !== target ? [source]
    : [];
  const spec: SteeringSpec = { activate: [target], deactivate, mode: o.mode, strength: o.strength, positions: o.positions };
  if (o.subtractSource > 0 && source !== undefined && source !== target) {
    spec.subtract = [source];
    spec.subtractStrength = o.subtractSource;
  }
  if (o.layers) spec.layers = { ...o.layers };
  return spec;
}

/** The parameters of DiffMean steering. */
export interface DiffMeanOptions {
  /** λ: 1 moves the residual stream by the target's mean minus the mean over all languages. Default DEFAULT_DIFFMEAN_STRENGTH. */
  strength?: number;
  layers?: LayerRange;
  positions?: SteeringPositions;
}

/**
 * λ = 0.15 on every block: on Gemma 3 270M the smallest λ of the study that raised all six
 * languages by 40 points or more (mean +70 points; worst steered perplexity 2.6x unsteered).
 * Larger λ wrecks the text fast: 0.25 on every block already makes it 6.2x as perplexing (the
 * default used to be 1, the direction's full length after every block).
 */
export const DEFAULT_DIFFMEAN_STRENGTH = 0.15;

/** Steering by a DiffMean residual direction toward `target`, the baseline users would pick instead of neurons. */
export function diffMeanSpec(target: string, options: DiffMeanOptions = {}): SteeringSpec {
  const diffMean: DiffMeanSteering = { language: target, strength: options.strength ?? DEFAULT_DIFFMEAN_STRENGTH };
  if (options.layers) diffMean.layers = { ...options.layers };
  return { diffMean, positions: options.positions ?? 'all' };
}

/**
 * The named ways `lape generate --force X --method M` steers; the first is the default. The
 * steering study on Gemma 3 270M (study/steering-study.md) chose it: the Force recipe is the
 * one method that raised four of six languages by 40 points or more with the steered text's
 * perplexity within 2x; DiffMean switches more languages more often at a higher perplexity.
 */
export const STEERING_METHODS = ['force-neurons', 'diffmean'] as const;
export type SteeringMethod = (typeof STEERING_METHODS)[number];

/** The spec a named method stands for. */
export function methodSpec(
  method: SteeringMethod,
  languages: readonly string[],
  target: string,
  options: { force?: ForceRecipeOptions; diffMean?: DiffMeanOptions } = {},
): SteeringSpec {
  return method === 'diffmean' ? diffMeanSpec(target, options.diffMean) : forceLanguageSpec(languages, target, options.force);
}
