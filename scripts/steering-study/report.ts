/**
 * The study's written output, from its cells: the JSON record and the Markdown table with its
 * verdict. Shared by run.ts (one process) and merge.ts (shards run side by side on a larger
 * machine, one target subset each), so both write the same thing from the same cells.
 */
import { ACCEPTANCE, bestMethod, markdownTable, summarizeMethods, type Cell } from './metrics.ts';

export interface StudyHeader {
  study: 'steering';
  seed: number;
  identifier: { name: 'franc'; version: string; among: string[] };
  settings: {
    model: string;
    source: string;
    targets: string[];
    maxTokens: number;
    repeatPenalty: number;
    sideEffectTokensPerLanguage: number;
    prompts: { neutral: string[]; mvicuna: string[]; [key: string]: unknown };
    [key: string]: unknown;
  };
  methods: { name: string; describe: string; kind: string }[];
  unsteeredHeldOutPpl: Record<string, number>;
}

export interface StudyRecord extends StudyHeader {
  cells: Cell[];
  examples: Record<string, Record<string, string[]>>;
  complete: boolean;
  seconds: number;
}

export function studyReport(r: StudyRecord): { json: object; md: string } {
  const { settings, identifier } = r;
  const targets = settings.targets;
  const summaries = summarizeMethods(r.cells);
  const best = bestMethod(summaries);
  const methodsDone = new Set(r.cells.map((c) => c.method)).size;
  const verdict = best
    ? `Best method: ${best.method}: mean gain ${best.meanGain.toFixed(1)} points over unsteered, ${best.targetsMeetingGain}/${targets.length} targets gain >= ${ACCEPTANCE.gainPoints} points, ` +
      `worst fluency ${best.worstFluencyRatio?.toFixed(2)}x unsteered (${best.worstInContextRatio?.toFixed(2)}x after the prompt). Acceptance (>= ${ACCEPTANCE.gainPoints} points for >= ${ACCEPTANCE.targets} of the 6 non-English languages, fluency within ${ACCEPTANCE.fluencyFactor}x): ${best.meetsAcceptance ? 'MET' : 'NOT met'}.`
    : `No method keeps fluency within ${ACCEPTANCE.fluencyFactor}x unsteered for every target: acceptance NOT met.`;
  const build = typeof settings.build === 'string' ? ` llama.cpp build: ${settings.build}.` : '';
  const md = [
    `# Steering study: ${settings.model}`,
    '',
    `Seed ${r.seed}; ${settings.prompts.neutral.length + settings.prompts.mvicuna.length} prompts (${settings.prompts.neutral.length} neutral, ${settings.prompts.mvicuna.length} mvicuna in ${settings.source}) x ${settings.maxTokens} tokens, greedy, repetition penalty ${settings.repeatPenalty}.${build} ` +
      `Success: share identified as the target by franc ${identifier.version} among ${identifier.among.join(', ')}. Fluency: perplexity of the continuations under the unsteered model, scored on their own (BOS, no prompt; the acceptance's basis) and after their prompt (which also charges the switch of language itself); pooled per target, mean over targets, in brackets the worst target's ratio to unsteered. ` +
      `Side effect: mean relative change of held-out perplexity of the other languages (${settings.sideEffectTokensPerLanguage} tokens each).`,
    '',
    markdownTable(r.cells, summaries, targets),
    '',
    r.complete ? verdict : `PARTIAL: ${methodsDone} of ${r.methods.length} methods measured so far. ${verdict}`,
    '',
  ].join('\n');
  const json = { ...r, summaries, best: best ?? null, acceptance: ACCEPTANCE, verdict, methodsDone };
  return { json, md };
}
