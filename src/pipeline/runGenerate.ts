import type { GenerateRequest, GenerateResult, SteeringSpec } from '../protocol/pipelineTypes.ts';
import type { EngineSession } from './EngineSession.ts';
import { readResults } from './resultsFolder.ts';
import { forceLanguageSpec, steeringEdits } from './steeringEdits.ts';
import { PipelineError } from './PipelineError.ts';
import type { EngineModel } from '../engine/index.ts';

/** prefix + suffix in the model's FIM layout where it has FIM tokens; else the prefix alone. */
function promptTokens(model: EngineModel, prefix: string, suffix: string | undefined): Int32Array {
  const fim = suffix ? model.fimTokens : undefined;
  if (!fim || suffix === undefined) return model.tokenize(prefix);
  const pre = model.tokenize(prefix, { addSpecial: false });
  const suf = model.tokenize(suffix, { addSpecial: false });
  const head = model.addsBos ? [model.bos] : [];
  return Int32Array.from([...head, fim.prefix, ...pre, fim.suffix, ...suf, fim.middle]);
}

/** Continues a prompt, steered by a results folder's neurons when asked. */
export async function runGenerate(session: EngineSession, req: GenerateRequest): Promise<GenerateResult> {
  const { signal } = req;
  const model = await session.getModel(req, signal);
  let spec: SteeringSpec | undefined = req.steering;
  let edits;
  if (req.force || spec) {
    if (!req.resultsDir) throw new PipelineError('bad-argument', 'Steering needs a results folder (--results DIR) with detected neurons.');
    const { summary, neurons } = readResults(req.resultsDir);
    if (summary.model.headerSha256 !== model.facts.headerSha256) {
      throw new PipelineError('model-mismatch', `${req.resultsDir} was made with ${summary.model.fileName}, not ${model.facts.fileName}.`);
    }
    if (req.force) spec = { ...forceLanguageSpec(neurons, req.force, spec?.strength ?? 1), ...(spec?.layers ? { layers: spec.layers } : {}) };
    edits = steeringEdits(neurons, spec!);
  }
  const prompt = promptTokens(model, req.prompt, req.suffix);
  const maxTokens = req.maxTokens ?? 64;
  const ctx = await session.getContext(req, Math.min(model.facts.contextLength || 4096, Math.max(512, prompt.length + maxTokens)), signal);
  let text = '';
  let tokens = 0;
  const it = ctx.generate(prompt, {
    maxTokens,
    temperature: req.temperature,
    topK: req.topK,
    topP: req.topP,
    repeatPenalty: req.repeatPenalty,
    seed: req.seed,
    stop: req.stop,
    hooks: edits && edits.length ? { edits } : undefined,
    signal,
  });
  for (;;) {
    const r = await it.next();
    if (r.done) return { text, stopReason: r.value, tokens };
    text += r.value.text;
    tokens++;
    req.onText?.(r.value.text);
  }
}
