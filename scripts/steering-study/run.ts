/**
 * The steering study (issue 13, section 3): which way of forcing the output language works on
 * a real model, measured against prompting and DiffMean. Greedy generation with the
 * reference's repetition penalty, one language identifier (franc) for every success figure,
 * fluency scored by the unsteered model, side effects on held-out text of the other languages.
 *
 *   node --import tsx scripts/steering-study/run.ts --results DIR --model gemma-3-270m \
 *     [--prompts N] [--tokens N] [--targets zh,fr] [--side-tokens N] [--seed N] [--out FILE] [--neutral-only] [--grid small|wide]
 *
 * --grid wide tries more strengths (for a machine with a GPU); shards of one study run with
 * disjoint --targets and separate --out files join with merge.ts.
 *
 * Writes FILE (default study/steering-study.json) and the Markdown table beside it (.md),
 * the same JSON as DIR/steering-study.json (which DIR's report.html then draws; the report is
 * rewritten at the end), and prints the table. Run one model job at a time: it uses every
 * core it is given.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { EngineSession } from '../../src/pipeline/EngineSession.ts';
import { runGenerate } from '../../src/pipeline/runGenerate.ts';
import { readEvalTokens, readResults } from '../../src/pipeline/resultsFolder.ts';
import { steeringEdits } from '../../src/pipeline/steeringEdits.ts';
import { diffMeanResidualEdits, readResidualMeans } from '../../src/pipeline/residualMeans.ts';
import { identifyLanguage } from '../../src/corpus/identifyLanguage.ts';
import { findLanguage } from '../../src/corpus/languages.ts';
import { PAPER_LANGUAGES } from '../../src/protocol/paperLanguages.ts';
import type { EngineContext, EngineModel, Hooks } from '../../src/engine/index.ts';
import type { GenerateRequest } from '../../src/protocol/pipelineTypes.ts';
import { GRIDS, specOf, studyMethods, type StudyMethod } from './methods.ts';
import { answerIn, neutralWithInstruction, NEUTRAL_PROMPTS, QA_STOP, qaPrompt, readMvicuna, repoRootOf, seededSample } from './prompts.ts';
import { makeCell, type Cell, type Continuation } from './metrics.ts';
import { studyReport, type StudyHeader } from './report.ts';
import { refreshReport, writeStudyRecord } from './writeRecord.ts';

const SOURCE = 'en';
/** The reference's sampling: temperature 0 (greedy), repetition penalty 1.1. */
const REPEAT_PENALTY = 1.1;

const { values: args } = parseArgs({
  options: {
    results: { type: 'string' },
    model: { type: 'string', default: 'gemma-3-270m' },
    prompts: { type: 'string', default: '6' },
    tokens: { type: 'string', default: '32' },
    targets: { type: 'string' },
    'side-tokens': { type: 'string', default: '64' },
    seed: { type: 'string', default: '13' },
    out: { type: 'string' },
    'neutral-only': { type: 'boolean', default: false },
    threads: { type: 'string' },
    grid: { type: 'string', default: 'small' },
  },
});
if (!args.results) {
  process.stderr.write('usage: run.ts --results DIR [--model M] [--prompts N] [--tokens N] [--targets zh,fr] [--side-tokens N] [--seed N] [--out FILE] [--neutral-only] [--grid small|wide]\n');
  process.exit(2);
}
const intArg = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${v}`);
  return n;
};
const resultsDir = resolve(args.results);
const repoRoot = repoRootOf(dirname(fileURLToPath(import.meta.url)));
const nPrompts = intArg('prompts', args.prompts);
const maxTokens = intArg('tokens', args.tokens);
const sideTokens = intArg('side-tokens', args['side-tokens']);
const seed = intArg('seed', args.seed);
const gridName = args.grid ?? 'small';
if (!(gridName in GRIDS)) throw new Error(`--grid wants one of ${Object.keys(GRIDS).join(', ')}, got ${gridName}`);
const grid = GRIDS[gridName as keyof typeof GRIDS];
const threads = args.threads === undefined ? undefined : intArg('threads', args.threads);
const outJson = resolve(args.out ?? join(repoRoot, 'study', 'steering-study.json'));
const languages = [...PAPER_LANGUAGES];
const targets = args.targets ? args.targets.split(',').map((s) => s.trim()) : languages.filter((l) => l !== SOURCE);
const nameOf = (l: string) => findLanguage(l)?.name ?? l;
const started = Date.now();
const log = (msg: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

interface StudyPrompt {
  set: Continuation['promptSet'];
  /** The question, or the neutral opening, before any instruction. */
  text: string;
}

function studyPrompts(): StudyPrompt[] {
  const neutral = seededSample(NEUTRAL_PROMPTS, nPrompts, seed).map((text) => ({ set: 'neutral' as const, text }));
  if (args['neutral-only']) {
    log('--neutral-only: the mvicuna questions are left out; only the neutral prompts are used.');
    return neutral;
  }
  const questions = seededSample(readMvicuna(repoRoot, SOURCE), nPrompts, seed + 1).map((text) => ({ set: 'mvicuna' as const, text }));
  return [...neutral, ...questions];
}

/** The text a prompt becomes under a method, and where generation stops. */
function promptText(p: StudyPrompt, method: StudyMethod, target: string): { prompt: string; stop?: string[] } {
  const instruct = method.kind === 'prompting';
  if (p.set === 'mvicuna') return { prompt: qaPrompt(p.text, instruct ? answerIn(nameOf(target)) : ''), stop: [...QA_STOP] };
  return { prompt: instruct ? neutralWithInstruction(p.text, nameOf(target)) : p.text };
}

/** Log-probabilities of `continuation`'s tokens under the unsteered model, given `prompt`. */
function fluencyLogProbs(ctx: EngineContext, model: EngineModel, prompt: string, continuation: string): number[] {
  const head = model.tokenize(prompt);
  const all = model.tokenize(prompt + continuation);
  // The continuation's first token can merge with the prompt's last when retokenized; score from the first token that differs.
  let k = 0;
  while (k < head.length && k < all.length && head[k] === all[k]) k++;
  if (all.length <= k) return [];
  return Array.from(ctx.scoreTokens(all).subarray(Math.max(0, k - 1)));
}

/** Log-probabilities of `text`'s tokens under the unsteered model with no prompt (BOS only). */
function aloneLogProbs(ctx: EngineContext, model: EngineModel, text: string): number[] {
  const all = model.tokenize(text);
  const bos = model.tokenize('');
  return all.length <= bos.length ? [] : Array.from(ctx.scoreTokens(all).subarray(Math.max(0, bos.length - 1)));
}

const stripStop = (text: string, stop: readonly string[] = []) => {
  for (const s of stop) if (text.endsWith(s)) return text.slice(0, -s.length);
  return text;
};

async function main(): Promise<void> {
  const session = new EngineSession();
  const modelOpts = { model: args.model, threads };
  const model = await session.getModel(modelOpts);
  const view = readResults(resultsDir);
  const missing = languages.filter((l) => !view.neurons.languages.includes(l));
  if (missing.length) throw new Error(`${resultsDir} has no neurons for ${missing.join(', ')}: detect all of ${languages.join(', ')}.`);
  const means = readResidualMeans(resultsDir);
  const ctx = await session.getContext(modelOpts, 512);
  const prompts = studyPrompts();
  const methods = studyMethods({ ...grid, nLayer: model.facts.nLayer });
  log(`${prompts.length} prompts x ${targets.length} targets x ${methods.length} methods, ${maxTokens} tokens each, on ${model.facts.fileName}`);

  const generate = async (p: StudyPrompt, method: StudyMethod, target: string): Promise<Continuation> => {
    const { prompt, stop } = promptText(p, method, target);
    const req: GenerateRequest = {
      ...modelOpts, resultsDir, prompt, maxTokens, temperature: 0, repeatPenalty: REPEAT_PENALTY, seed, stop,
      ...(method.request?.(target, SOURCE) ?? {}),
    };
    const text = stripStop((await runGenerate(session, req)).text, stop);
    const language = identifyLanguage(text.trim(), { among: languages }) ?? null;
    return { promptSet: p.set, prompt, text, language, logProbs: fluencyLogProbs(ctx, model, prompt, text), logProbsAlone: aloneLogProbs(ctx, model, text) };
  };

  // Held-out text of every language, cut to the same length so each method costs the same.
  const heldOut = Object.fromEntries(languages.map((l) => [l, readEvalTokens(resultsDir, l).sequences[0].slice(0, sideTokens + 1)]));
  const pplOf = (l: string, hooks?: Hooks) => {
    const lp = ctx.scoreTokens(heldOut[l], { hooks });
    return Math.exp(-lp.reduce((a, b) => a + b, 0) / lp.length);
  };
  const basePpl = Object.fromEntries(languages.map((l) => [l, pplOf(l)]));
  const steeredPpl = new Map<string, number>();
  const sideEffectsOf = (method: StudyMethod, target: string) => {
    if (method.kind === 'prompting') return { mean: 0, byLanguage: {} };
    if (!method.request || sideTokens === 0) return null;
    const spec = specOf(method.request(target, SOURCE), view.neurons.languages);
    const hooks: Hooks = { edits: steeringEdits(view.neurons, spec), residualEdits: spec.diffMean ? diffMeanResidualEdits(means, spec.diffMean) : [] };
    const steered: Record<string, number> = {};
    for (const l of languages.filter((x) => x !== target)) {
      const key = `${JSON.stringify(spec)}|${l}`;
      if (!steeredPpl.has(key)) steeredPpl.set(key, pplOf(l, hooks));
      steered[l] = steeredPpl.get(key)!;
    }
    const byLanguage = Object.fromEntries(Object.entries(steered).map(([l, s]) => [l, s / basePpl[l] - 1]));
    const v = Object.values(byLanguage);
    return { mean: v.reduce((a, b) => a + b, 0) / v.length, byLanguage };
  };

  const unsteeredMethod = methods.find((m) => m.kind === 'unsteered')!;
  const unsteered: Continuation[] = [];
  for (const p of prompts) unsteered.push(await generate(p, unsteeredMethod, targets[0]));
  log(`unsteered done: ${unsteered.map((c) => c.language ?? '?').join(' ')}`);

  const cells: Cell[] = [];
  const examples: Record<string, Record<string, string[]>> = {};
  const francVersion = (createRequire(import.meta.url)('franc/package.json') as { version: string }).version;
  const header: StudyHeader = {
    study: 'steering', seed, identifier: { name: 'franc', version: francVersion, among: languages },
    settings: {
      model: model.facts.fileName, modelHeaderSha256: model.facts.headerSha256, modelContentSha256: model.facts.contentSha256, results: resultsDir, corpus: view.summary.corpus?.hash ?? null,
      build: (await session.getEngine()).gpu || 'cpu',
      prompts: { neutral: prompts.filter((p) => p.set === 'neutral').map((p) => p.text), mvicuna: prompts.filter((p) => p.set === 'mvicuna').map((p) => p.text), format: 'Q: {question}\\nA:', stop: [...QA_STOP] },
      source: SOURCE, targets, maxTokens, temperature: 0, repeatPenalty: REPEAT_PENALTY, repeatLastN: 64, sideEffectTokensPerLanguage: sideTokens, gridName, grid,
    },
    methods: methods.map((m) => ({ name: m.name, describe: m.describe, kind: m.kind })),
    unsteeredHeldOutPpl: basePpl,
  };
  const report = (complete: boolean) => {
    const { json, md } = studyReport({ ...header, cells, examples, complete, seconds: Math.round((Date.now() - started) / 1000) });
    writeStudyRecord(outJson, json, md, resultsDir);
    if (complete) process.stdout.write(md);
  };
  for (const method of methods) {
    // A target-independent method's text is generated once and counted against every target.
    let once: Continuation[] | undefined = method.kind === 'unsteered' ? unsteered : undefined;
    for (const target of targets) {
      let conts = once;
      if (!conts) {
        conts = [];
        for (const p of prompts) conts.push(await generate(p, method, target));
        if (method.targetIndependent) once = conts;
      }
      cells.push(makeCell(target, method.name, conts, unsteered, sideEffectsOf(method, target)));
      (examples[method.name] ??= {})[target] = conts.map((c) => c.text.slice(0, 160));
    }
    const mine = cells.filter((c) => c.method === method.name);
    log(`${method.name}: ${mine.map((c) => `${c.target} ${Math.round(100 * c.success)}%`).join(', ')}`);
    // Written after every method, so a run cut short still leaves what it measured.
    report(method === methods[methods.length - 1]);
  }
  session.dispose();
  await refreshReport(resultsDir);
}

main().catch((e: unknown) => {
  process.stderr.write(`steering study failed: ${(e as Error).message}\n`);
  process.exit(1);
});
