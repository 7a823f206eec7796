// Checks steering on a model and its results folder: greedy continuations of prompts,
// unsteered, forced to each language (lape generate --force X), and with the unsteered
// language's neurons deactivated; the language of each is counted with the project's identifier (languageShares).
//
//   node --import tsx scripts/demo-model/steeringCheck.ts --model demo --results DIR
//        [--prompts neutral|mvicuna] [--max-tokens 40] [--strength 1] [--layer L]
//
// --prompts mvicuna uses the first three prompts per language of ../shared/reference/mvicuna,
// as the acceptance test does. --layer L replaces "force" by a bound on what setting
// activations to a language's mean can do in that layer: every neuron of layer L (not only
// the language's LAPE neurons) is set to its mean activation on the target language, taken
// from the folder's statistics, through the same hand-picked-neuron steering the editor uses.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { meanActivation } from '../../src/lape/languageStats.ts';
import { languageShares } from '../../src/corpus/identifyLanguage.ts';
import { readStatsFile } from '../../src/lape/formats/statsFile.ts';
import { createPipeline } from '../../src/pipeline/index.ts';
import { RESULT_FILES } from '../../src/pipeline/resultsFolder.ts';
import { PAPER_LANGUAGES } from '../../src/protocol/paperLanguages.ts';
import type { SteeringSpec } from '../../src/protocol/pipelineTypes.ts';
import { mvicunaPrompts } from './mvicunaPrompts.ts';

// Prompts with no words, so no language: the model picks one, and steering may change it.
const NEUTRAL = ['— ', '§ 4 ', '* ', ': ', '(a) ', '» '];

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'demo' },
    results: { type: 'string' },
    prompts: { type: 'string', default: 'neutral' },
    'max-tokens': { type: 'string', default: '40' },
    strength: { type: 'string', default: '1' },
    layer: { type: 'string' },
  },
});
if (!values.results) throw new Error('--results DIR is required');
const resultsDir = resolve(values.results);
const maxTokens = Number(values['max-tokens']);
const strength = Number(values.strength);

const prompts = values.prompts === 'mvicuna' ? mvicunaPrompts(PAPER_LANGUAGES, 3).map((p) => p.text) : NEUTRAL;

// Read once: every prompt and target of the --layer bound uses the same statistics.
const stats = values.layer === undefined ? undefined : readStatsFile(join(resultsDir, RESULT_FILES.stats)).stats;

/** How to steer towards `target`: the paper's "force", or the whole-layer bound. */
function steeringFor(target: string): { force?: string; steering: SteeringSpec } {
  if (stats === undefined) return { force: target, steering: { strength } };
  const layer = Number(values.layer);
  const mean = meanActivation(stats, target).subarray(layer * stats.nFf, (layer + 1) * stats.nFf);
  return { steering: { neurons: Array.from(mean, (m, index) => ({ layer, index, mode: 'mean' as const, value: strength * m })) } };
}

const shares = (text: string) => languageShares(text, { among: PAPER_LANGUAGES });
const pipeline = createPipeline();
const gen = async (prompt: string, extra: Record<string, unknown>) =>
  (await pipeline.generate({ model: values.model!, prompt, resultsDir, maxTokens, temperature: 0, ...extra })).text;
const show = (s: Record<string, number>) => Object.entries(s).sort((a, b) => b[1] - a[1]).map(([l, v]) => `${l} ${(100 * v).toFixed(0)}%`).join(' ');

const forcedShare: Record<string, number[]> = Object.fromEntries(PAPER_LANGUAGES.map((l) => [l, []]));
const baseShare: Record<string, number[]> = Object.fromEntries(PAPER_LANGUAGES.map((l) => [l, []]));
const dropped: { lang: string; before: number; after: number }[] = [];
try {
  for (const prompt of prompts) {
    const base = await gen(prompt, {});
    const bs = shares(base);
    process.stdout.write(`\nprompt ${JSON.stringify(prompt.slice(0, 60))}\n  none      ${show(bs).padEnd(24)} ${JSON.stringify(base.slice(0, 70))}\n`);
    for (const l of PAPER_LANGUAGES) baseShare[l].push(bs[l] ?? 0);
    const top = Object.entries(bs).sort((a, b) => b[1] - a[1])[0]?.[0];
    if (top) {
      const text = await gen(prompt, { steering: { deactivate: [top] } });
      const s = shares(text);
      dropped.push({ lang: top, before: bs[top], after: s[top] ?? 0 });
      process.stdout.write(`  -${top.padEnd(8)} ${show(s).padEnd(24)} ${JSON.stringify(text.slice(0, 70))}\n`);
    }
    for (const l of PAPER_LANGUAGES) {
      const text = await gen(prompt, steeringFor(l));
      const s = shares(text);
      forcedShare[l].push(s[l] ?? 0);
      process.stdout.write(`  force ${l}  ${show(s).padEnd(24)} ${JSON.stringify(text.slice(0, 70))}\n`);
    }
  }
} finally {
  pipeline.dispose();
}
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const how = values.layer === undefined ? '--force' : `layer ${values.layer} set to the mean`;
process.stdout.write(`\nlanguage  share unsteered  share with ${how}\n`);
let raised = 0;
for (const l of PAPER_LANGUAGES) {
  const b = mean(baseShare[l]);
  const f = mean(forcedShare[l]);
  if (f > b) raised++;
  process.stdout.write(`${l.padEnd(9)} ${(100 * b).toFixed(0).padStart(5)}%  ${(100 * f).toFixed(0).padStart(15)}%\n`);
}
const lowered = dropped.filter((d) => d.after < d.before).length;
process.stdout.write(`\n${how} raised the language's share for ${raised} of ${PAPER_LANGUAGES.length} languages; deactivating the unsteered language lowered its share on ${lowered} of ${dropped.length} prompts.\n`);
