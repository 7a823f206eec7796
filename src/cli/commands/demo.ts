import { resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { PAPER_LANGUAGES } from '../../protocol/paperLanguages.ts';
import { num, parse, positiveInt } from '../cliArgs.ts';
import { endProgress, printJson, progressPrinter, table } from '../output.ts';
import { formatResults } from '../printResults.ts';

export const demoHelp = `lape demo [--out DIR] [--budget N] [--target LANG] [--json]
  The whole idea on the built-in demo model: detect on the bundled UDHR corpus, identify,
  the perplexity matrix with its random baseline, and a steering sample.`;

const DEMO_PROMPT = 'Article 1. ';

export async function demoCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parse('demo', argv, { out: { type: 'string', short: 'o' }, budget: { type: 'string' }, target: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } }, false);
  const outDir = resolve((values.out as string | undefined) ?? '.lape/demo');
  const json = Boolean(values.json);
  const onProgress = progressPrinter(Boolean(values.quiet) || json);
  const view = await pipeline.detect({
    model: 'demo',
    languages: [...PAPER_LANGUAGES],
    budget: num(values.budget, 'budget', positiveInt) ?? 12_000,
    evalBudget: 2_000,
    sequenceLength: 256,
    outDir,
    perplexity: true,
    signal,
    onProgress,
  });
  endProgress();
  const langs = view.summary.languages;
  const target = (values.target as string | undefined) ?? 'fr';
  const samples: { setting: string; text: string }[] = [];
  const run = async (setting: string, extra: Partial<Parameters<Pipeline['generate']>[0]>) => {
    const r = await pipeline.generate({ model: 'demo', resultsDir: outDir, prompt: DEMO_PROMPT, maxTokens: 48, signal, ...extra });
    samples.push({ setting, text: r.text });
  };
  await run('no change', {});
  for (const l of langs) await run(`${l} deactivated`, { steering: { deactivate: [l] } });
  await run(`${target} set to mean`, { steering: { activate: [target], mode: 'mean' } });
  await run(`force ${target}`, { force: target });
  if (json) {
    printJson({ outDir, languages: langs, pplChange: view.summary.pplChange, randomPplChange: view.summary.randomPplChange, samples });
    return;
  }
  console.log(formatResults(view, outDir));
  console.log(`\nSteering sample, prompt ${JSON.stringify(DEMO_PROMPT)}, greedy:`);
  console.log(table([['setting', 'continuation'], ...samples.map((s) => [s.setting, JSON.stringify(s.text.replace(/\s+/g, ' ').slice(0, 70))])]));
  console.log(`\nOpen ${outDir}/report.html, or the folder in VS Code ("Language Neurons: Open results folder").`);
}
