import { resolve } from 'node:path';
import type { Pipeline, SteeringSpec } from '../../pipeline/types.ts';
import { integer, list, nonNegative, num, parse, positive, positiveInt, rate, UsageError } from '../cliArgs.ts';
import { printJson } from '../output.ts';

export const generateHelp = `lape generate --model M|demo --prompt TEXT [--results DIR] [--force LANG] [--deactivate LANGS]
              [--activate LANGS --mode mean|scale --strength X] [--max-tokens N] [--temperature T] [--seed S] [--json]
  Continues the prompt, steered by the neurons of a results folder. --json prints {"text": "..."},
  the continuation only.`;

export async function generateCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parse('generate', argv, {
    model: { type: 'string', short: 'm' }, prompt: { type: 'string', short: 'p' }, results: { type: 'string', short: 'r' },
    force: { type: 'string' }, deactivate: { type: 'string' }, activate: { type: 'string' }, mode: { type: 'string' },
    strength: { type: 'string' }, 'max-tokens': { type: 'string', short: 'n' }, temperature: { type: 'string' },
    'top-k': { type: 'string' }, 'top-p': { type: 'string' }, 'repeat-penalty': { type: 'string' }, seed: { type: 'string' },
  }, false);
  if (!values.model) throw new UsageError('--model is required (a .gguf path, or "demo").');
  if (values.prompt === undefined) throw new UsageError('--prompt is required.');
  const mode = values.mode as string | undefined;
  if (mode !== undefined && mode !== 'mean' && mode !== 'scale') throw new UsageError(`--mode must be mean or scale, got "${mode}".`);
  const deactivate = list(values.deactivate);
  const activate = list(values.activate);
  const steering: SteeringSpec | undefined = deactivate || activate ? { deactivate, activate, mode: mode as 'mean' | 'scale' | undefined, strength: num(values.strength, 'strength') } : undefined;
  const model = values.model as string;
  const resultsDir = (values.results as string | undefined) ?? (model === 'demo' ? '.lape/demo' : undefined);
  const json = Boolean(values.json);
  const result = await pipeline.generate({
    model,
    prompt: values.prompt as string,
    resultsDir: resultsDir ? resolve(resultsDir) : undefined,
    force: values.force as string | undefined,
    steering: values.force && steering ? { ...steering, activate: undefined, deactivate: undefined } : steering,
    maxTokens: num(values['max-tokens'], 'max-tokens', positiveInt),
    temperature: num(values.temperature, 'temperature', nonNegative),
    topK: num(values['top-k'], 'top-k', positiveInt),
    topP: num(values['top-p'], 'top-p', rate),
    repeatPenalty: num(values['repeat-penalty'], 'repeat-penalty', positive),
    seed: num(values.seed, 'seed', integer),
    signal,
    onText: json ? undefined : (t) => process.stdout.write(t),
  });
  if (json) printJson({ text: result.text, stopReason: result.stopReason, tokens: result.tokens });
  else process.stdout.write('\n');
}
