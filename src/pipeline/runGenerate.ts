import type { GenerateRequest, GenerateResult } from '../protocol/pipelineTypes.ts';
import type { EngineSession } from './EngineSession.ts';
import { readResults } from './resultsFolder.ts';
import { steeringEdits } from './steeringEdits.ts';
import { PipelineError } from './PipelineError.ts';
import { checkSameModel } from './checkSameModel.ts';
import { diffMeanResidualEdits, readResidualMeans, residualMeansPath } from './residualMeans.ts';
import type { EngineModel, Hooks, HookPositions, ResidualEdit } from '../engine/index.ts';
import { methodSpec, STEERING_METHODS, type SteeringMethod, type SteeringSpec } from '../protocol/steering.ts';

/** prefix + suffix in the model's FIM layout where it has FIM tokens; else the prefix alone. */
function promptTokens(model: EngineModel, prefix: string, suffix: string | undefined): Int32Array {
  const fim = suffix ? model.fimTokens : undefined;
  if (!fim || suffix === undefined) return model.tokenize(prefix);
  const pre = model.tokenize(prefix, { addSpecial: false });
  const suf = model.tokenize(suffix, { addSpecial: false });
  const head = model.addsBos ? [model.bos] : [];
  return Int32Array.from([...head, fim.prefix, ...pre, fim.suffix, ...suf, fim.middle]);
}

/**
 * The spec a request stands for: `force` through its method's recipe, else `steering`.
 * Neuron edits come from the results folder's neuron sets; a DiffMean part from its
 * residual means.
 */
function steeringHooks(req: GenerateRequest, model: EngineModel): { hooks?: Hooks; positions: HookPositions; method?: SteeringMethod } {
  if (req.force && req.steering) throw new PipelineError('bad-argument', 'Give either a language to force (--force) or a steering set, not both.');
  if (!req.force && !req.steering) return { positions: 'all' };
  if (!req.resultsDir) throw new PipelineError('bad-argument', 'Steering needs a results folder (--results DIR) with detected neurons.');
  const { summary, neurons } = readResults(req.resultsDir);
  checkSameModel(req.resultsDir, summary.model, model.facts);
  if (req.force && !neurons.languages.includes(req.force)) {
    throw new PipelineError('bad-argument', `"${req.force}" is not among the detected languages (${neurons.languages.join(', ')}).`);
  }
  const method = req.force ? (req.method ?? STEERING_METHODS[0]) : undefined;
  const spec: SteeringSpec = method
    ? methodSpec(method, neurons.languages, req.force!, { force: req.forceOptions, diffMean: req.diffMeanOptions })
    : req.steering!;
  const edits = steeringEdits(neurons, spec);
  let residualEdits: ResidualEdit[] = [];
  if (spec.diffMean) {
    const means = readResidualMeans(req.resultsDir);
    checkSameModel(
      residualMeansPath(req.resultsDir),
      { headerSha256: means.modelHeaderSha256, contentSha256: means.modelContentSha256 },
      model.facts,
      `Run detection again with this model and --residual-means (lape detect --model ${model.facts.path} --residual-means --out DIR).`,
    );
    residualEdits = diffMeanResidualEdits(means, spec.diffMean);
  }
  const hooks = edits.length || residualEdits.length ? { edits, residualEdits } : undefined;
  return { hooks, positions: spec.positions ?? 'all', method };
}

/** Continues a prompt, steered by a results folder's neurons or residual means when asked. */
export async function runGenerate(session: EngineSession, req: GenerateRequest): Promise<GenerateResult> {
  const { signal } = req;
  const model = await session.getModel(req, signal);
  const { hooks, positions, method } = steeringHooks(req, model);
  const prompt = promptTokens(model, req.prompt, req.suffix);
  const maxTokens = req.maxTokens ?? 64;
  // Rounded up as llama.cpp pads n_ctx anyway, so that a prompt growing by a token per
  // keystroke keeps its context, and with it the KV cache that reuseCache keeps.
  const needed = Math.ceil(Math.max(512, prompt.length + maxTokens) / 256) * 256;
  const ctx = await session.getContext(req, Math.min(model.facts.contextLength || 4096, needed), signal);
  let text = '';
  let tokens = 0;
  // Nothing else decodes before the first token is sampled.
  const decodedBefore = ctx.decodedTokens;
  let promptTokensEvaluated: number | undefined;
  const it = ctx.generate(prompt, {
    maxTokens,
    temperature: req.temperature,
    topK: req.topK,
    topP: req.topP,
    repeatPenalty: req.repeatPenalty,
    seed: req.seed,
    stop: req.stop,
    hooks,
    hookPositions: positions,
    reuseCache: req.reuseCache,
    signal,
  });
  for (;;) {
    const r = await it.next();
    promptTokensEvaluated ??= ctx.decodedTokens - decodedBefore;
    if (r.done) return { text, stopReason: r.value, tokens, promptTokensEvaluated, ...(method ? { method } : {}) };
    text += r.value.text;
    tokens++;
    req.onText?.(r.value.text);
  }
}
