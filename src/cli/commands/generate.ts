import { resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { STEERING_METHODS, type ActivateMode, type ForceRecipeOptions, type LayerRange, type SteeringMethod, type SteeringPositions, type SteeringSpec } from '../../protocol/steering.ts';
import { integer, list, nonNegative, num, parse, positive, positiveInt, rate, UsageError } from '../cliArgs.ts';
import { printJson } from '../output.ts';

export const generateHelp = `lape generate --model M|demo --prompt TEXT [--results DIR] [--max-tokens N] [--temperature T] [--seed S] [--json]
              [--force LANG [--method force-neurons|diffmean] [--source LANG] [--deactivate-others|--deactivate-source|--no-deactivate]]
              [--deactivate LANGS] [--activate LANGS] [--subtract LANGS --beta B]
              [--mode mean|scale|add] [--strength X] [--layers FROM-TO] [--positions all|prompt|generated]
  Continues the prompt, steered by a results folder. --force X steers toward X with --method: force-neurons
  (the default, chosen by the steering study: X's neurons set to strength x their mean, the other
  languages' deactivated) or diffmean (adds strength x the DiffMean direction to the residual stream,
  default 0.15; needs detect --residual-means). --json prints {"text": "...", "method": ...}: the
  continuation and, with --force, the method that steered.`;

const MODES: readonly string[] = ['mean', 'scale', 'add'];
const POSITIONS: readonly string[] = ['all', 'prompt', 'generated'];

function layerRange(value: unknown): LayerRange | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)-(\d+)$/.exec(String(value));
  if (!m || Number(m[1]) > Number(m[2])) throw new UsageError(`--layers must be FROM-TO with FROM <= TO (e.g. 4-12), got "${String(value)}".`);
  return { from: Number(m[1]), to: Number(m[2]) };
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly string[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(String(value))) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${String(value)}".`);
  return value as T;
}

export async function generateCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parse('generate', argv, {
    model: { type: 'string', short: 'm' }, prompt: { type: 'string', short: 'p' }, results: { type: 'string', short: 'r' },
    force: { type: 'string' }, method: { type: 'string' }, source: { type: 'string' },
    'deactivate-others': { type: 'boolean' }, 'deactivate-source': { type: 'boolean' }, 'no-deactivate': { type: 'boolean' },
    deactivate: { type: 'string' }, activate: { type: 'string' }, subtract: { type: 'string' }, beta: { type: 'string' },
    mode: { type: 'string' }, strength: { type: 'string' }, layers: { type: 'string' }, positions: { type: 'string' },
    'max-tokens': { type: 'string', short: 'n' }, temperature: { type: 'string' },
    'top-k': { type: 'string' }, 'top-p': { type: 'string' }, 'repeat-penalty': { type: 'string' }, seed: { type: 'string' },
  }, false);
  if (!values.model) throw new UsageError('--model is required (a .gguf path, or "demo").');
  if (values.prompt === undefined) throw new UsageError('--prompt is required.');
  const mode = oneOf<ActivateMode>(values.mode, 'mode', MODES);
  const positions = oneOf<SteeringPositions>(values.positions, 'positions', POSITIONS);
  const method = oneOf<SteeringMethod>(values.method, 'method', STEERING_METHODS);
  const strength = num(values.strength, 'strength');
  const beta = num(values.beta, 'beta');
  const layers = layerRange(values.layers);
  const force = values.force as string | undefined;
  const deactivate = list(values.deactivate);
  const activate = list(values.activate);
  const subtract = list(values.subtract);
  const choices = ['deactivate-others', 'deactivate-source', 'no-deactivate'].filter((k) => values[k]);
  if (choices.length > 1) throw new UsageError(`Give at most one of --${choices.join(', --')}.`);
  if (force && (deactivate || activate || subtract)) throw new UsageError('--force chooses the languages itself: drop --deactivate, --activate and --subtract, or drop --force.');
  if (!force && (method || values.source || choices.length)) throw new UsageError('--method, --source and the --deactivate-* choices go with --force X.');
  let steering: SteeringSpec | undefined;
  if (!force && (deactivate || activate || subtract)) {
    steering = { deactivate, activate, subtract, mode, strength, subtractStrength: beta, layers, positions };
  }
  const forceOptions: ForceRecipeOptions | undefined = force
    ? {
      source: values.source as string | undefined,
      deactivate: values['deactivate-source'] ? 'source' : values['no-deactivate'] ? 'none' : values['deactivate-others'] ? 'others' : undefined,
      mode, strength, subtractSource: beta, layers, positions,
    }
    : undefined;
  const model = values.model as string;
  const resultsDir = (values.results as string | undefined) ?? (model === 'demo' ? '.lape/demo' : undefined);
  const json = Boolean(values.json);
  const result = await pipeline.generate({
    model,
    prompt: values.prompt as string,
    resultsDir: resultsDir ? resolve(resultsDir) : undefined,
    force,
    method,
    forceOptions: forceOptions && dropUndefined(forceOptions),
    diffMeanOptions: force && method === 'diffmean' ? dropUndefined({ strength, layers, positions }) : undefined,
    steering: steering && dropUndefined(steering),
    maxTokens: num(values['max-tokens'], 'max-tokens', positiveInt),
    temperature: num(values.temperature, 'temperature', nonNegative),
    topK: num(values['top-k'], 'top-k', positiveInt),
    topP: num(values['top-p'], 'top-p', rate),
    repeatPenalty: num(values['repeat-penalty'], 'repeat-penalty', positive),
    seed: num(values.seed, 'seed', integer),
    signal,
    onText: json ? undefined : (t) => process.stdout.write(t),
  });
  if (json) printJson({ text: result.text, stopReason: result.stopReason, tokens: result.tokens, ...(result.method ? { method: result.method } : {}) });
  else process.stdout.write('\n');
}

/** Options left undefined fall back to the recipe's defaults, instead of overriding them with undefined. */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
