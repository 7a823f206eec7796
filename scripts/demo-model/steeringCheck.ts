// Checks steering on a model and its results folder: greedy continuations of neutral prompts,
// unsteered, forced to each language (lape generate --force X), and with the unsteered
// language's neurons deactivated; the language of each is counted with LanguageId.
//
//   node --import tsx scripts/demo-model/steeringCheck.ts --model demo --results DIR [--max-tokens 40] [--strength 1]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPipeline } from '../../src/pipeline/index.ts';
import { readDemoCorpus } from './demoCorpus.ts';
import { LanguageId } from './languageId.ts';

// Prompts with no words, so no language: the model picks one, and steering may change it.
const PROMPTS = ['— ', '§ 4 ', '* ', ': ', '(a) ', '» '];
const LANGS = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];

const { values } = parseArgs({ options: { model: { type: 'string', default: 'demo' }, results: { type: 'string' }, 'max-tokens': { type: 'string', default: '40' }, strength: { type: 'string', default: '1' } } });
if (!values.results) throw new Error('--results DIR is required');
const resultsDir = resolve(values.results);
const maxTokens = Number(values['max-tokens']);
const strength = Number(values.strength);
const id = new LanguageId(await readDemoCorpus(LANGS));
const pipeline = createPipeline();
const gen = async (prompt: string, extra: Record<string, unknown>) =>
  (await pipeline.generate({ model: values.model!, prompt, resultsDir, maxTokens, temperature: 0, ...extra })).text;
const show = (s: Record<string, number>) => Object.entries(s).sort((a, b) => b[1] - a[1]).map(([l, v]) => `${l} ${(100 * v).toFixed(0)}%`).join(' ');

const forcedShare: Record<string, number[]> = Object.fromEntries(LANGS.map((l) => [l, []]));
const baseShare: Record<string, number[]> = Object.fromEntries(LANGS.map((l) => [l, []]));
const dropped: { lang: string; before: number; after: number }[] = [];
try {
  for (const prompt of PROMPTS) {
    const base = await gen(prompt, {});
    const bs = id.shares(base);
    process.stdout.write(`\nprompt ${JSON.stringify(prompt)}\n  none      ${show(bs).padEnd(24)} ${JSON.stringify(base.slice(0, 70))}\n`);
    for (const l of LANGS) baseShare[l].push(bs[l] ?? 0);
    const top = Object.entries(bs).sort((a, b) => b[1] - a[1])[0]?.[0];
    if (top) {
      const text = await gen(prompt, { steering: { deactivate: [top] } });
      const s = id.shares(text);
      dropped.push({ lang: top, before: bs[top], after: s[top] ?? 0 });
      process.stdout.write(`  -${top.padEnd(8)} ${show(s).padEnd(24)} ${JSON.stringify(text.slice(0, 70))}\n`);
    }
    for (const l of LANGS) {
      const text = await gen(prompt, { force: l, steering: { strength } });
      const s = id.shares(text);
      forcedShare[l].push(s[l] ?? 0);
      process.stdout.write(`  force ${l}  ${show(s).padEnd(24)} ${JSON.stringify(text.slice(0, 70))}\n`);
    }
  }
} finally {
  pipeline.dispose();
}
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
process.stdout.write('\nlanguage  share unsteered  share with --force\n');
let raised = 0;
for (const l of LANGS) {
  const b = mean(baseShare[l]);
  const f = mean(forcedShare[l]);
  if (f > b) raised++;
  process.stdout.write(`${l.padEnd(9)} ${(100 * b).toFixed(0).padStart(5)}%  ${(100 * f).toFixed(0).padStart(15)}%\n`);
}
const lowered = dropped.filter((d) => d.after < d.before).length;
process.stdout.write(`\n--force raised the language's share for ${raised} of ${LANGS.length} languages; deactivating the unsteered language lowered its share on ${lowered} of ${dropped.length} prompts.\n`);
