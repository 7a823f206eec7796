import { resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { PAPER_LANGUAGES } from '../../protocol/paperLanguages.ts';
import { isBuiltinModel } from '../../protocol/modelCatalogue.ts';
import { num, parse, positiveInt, UsageError } from '../cliArgs.ts';
import { DEFAULT_DEMO_MODEL, demoSettings } from '../demoDefaults.ts';
import { layerFigure } from '../layerFigure.ts';
import { endProgress, printJson, progressPrinter, table } from '../output.ts';
import { countDiagonalWins, formatResults } from '../printResults.ts';

export const demoHelp = `lape demo [--model gemma-3-270m|builtin|PATH] [--corpus handbook|udhr] [--out DIR] [--budget N]
          [--eval-budget N] [--target LANG] [--json]
  The whole idea on a real multilingual model (Gemma 3 270M by default, fetched once into the
  cache): detect on the Debian handbook's parallel texts, identify, the perplexity matrix with
  its random baseline, where the neurons sit by layer, and a steering sample.
  --model builtin runs on the small model shipped with lape, offline, in under a minute.`;

export async function demoCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values } = parse('demo', argv, {
    model: { type: 'string', short: 'm' }, corpus: { type: 'string' }, out: { type: 'string', short: 'o' }, budget: { type: 'string' },
    'eval-budget': { type: 'string' }, target: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
  }, false);
  const model = (values.model as string | undefined) ?? DEFAULT_DEMO_MODEL;
  const settings = demoSettings(model);
  const corpus = (values.corpus as string | undefined) ?? settings.corpus;
  if (corpus !== 'udhr' && corpus !== 'handbook') throw new UsageError(`--corpus must be handbook or udhr for the demo, got "${corpus}".`);
  const outDir = resolve((values.out as string | undefined) ?? (isBuiltinModel(model) ? '.lape/demo' : `.lape/demo-${model.replace(/[^\w.-]+/g, '_')}`));
  const json = Boolean(values.json);
  const onProgress = progressPrinter(Boolean(values.quiet) || json);
  const started = Date.now();
  const view = await pipeline.detect({
    model,
    languages: [...PAPER_LANGUAGES],
    corpus: { kind: corpus },
    budget: num(values.budget, 'budget', positiveInt) ?? settings.budget,
    evalBudget: num(values['eval-budget'], 'eval-budget', positiveInt) ?? settings.evalBudget,
    sequenceLength: settings.sequenceLength,
    outDir,
    perplexity: true,
    // DiffMean steering, the 'auto' method's first choice, needs them.
    residualMeans: true,
    signal,
    onProgress,
  });
  const langs = view.summary.languages;
  const target = (values.target as string | undefined) ?? 'fr';
  if (!langs.includes(target)) throw new UsageError(`--target must be one of ${langs.join(', ')}, got "${target}".`);
  const samples: { setting: string; text: string }[] = [];
  const run = async (setting: string, extra: Partial<Parameters<Pipeline['generate']>[0]>) => {
    onProgress({ phase: 'generate', message: `Steering sample: ${setting}` });
    const r = await pipeline.generate({ model, resultsDir: outDir, prompt: settings.prompt, maxTokens: settings.maxTokens, signal, ...extra });
    samples.push({ setting, text: r.text });
  };
  await run('no change', {});
  await run(`force ${target} (DiffMean)`, { force: target, method: 'diffmean' });
  await run(`force ${target} (neurons)`, { force: target, method: 'force-neurons' });
  await run('en deactivated', { steering: { deactivate: ['en'] } });
  endProgress();
  const seconds = Math.round((Date.now() - started) / 1000);
  const { pplChange, randomPplChange } = view.summary;
  const diagonal = pplChange ? meanDiagonal(pplChange) : null;
  const randomDiagonal = randomPplChange ? meanDiagonal(randomPplChange) : null;
  if (json) {
    printJson({ outDir, model, seconds, languages: langs, pplChange, randomPplChange, diagonalWins: pplChange ? countDiagonalWins(pplChange) : null, meanDiagonal: diagonal, meanRandomDiagonal: randomDiagonal, neuronsPerLayer: view.summary.neuronsPerLayer, tokensPerLanguage: view.summary.tokensPerLanguage, samples });
    return;
  }
  console.log(formatResults(view, outDir));
  if (diagonal !== null && randomDiagonal !== null) {
    console.log(`Mean diagonal change ${(diagonal * 100).toFixed(1)}% against ${(randomDiagonal * 100).toFixed(2)}% for random neurons of the same count per layer (${(diagonal / Math.max(Math.abs(randomDiagonal), 1e-9)).toFixed(1)}x).`);
  }
  console.log('\nLanguage-specific neurons per layer (all languages):');
  console.log(layerFigure(view.summary));
  console.log(`\nSteering sample, prompt ${JSON.stringify(settings.prompt)}, greedy:`);
  console.log(table([['setting', 'continuation'], ...samples.map((s) => [s.setting, JSON.stringify(s.text.replace(/\s+/g, ' ').slice(0, 90))])]));
  console.log(`\n${seconds} s in all. Open ${outDir}/report.html, or the folder in VS Code ("Language Neurons: Open results folder").`);
}

/** Mean of the diagonal of a [deactivated][evaluated] change matrix. */
export function meanDiagonal(m: number[][]): number {
  return m.reduce((a, row, i) => a + row[i], 0) / m.length;
}
