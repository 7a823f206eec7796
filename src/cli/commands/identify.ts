import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import { identify } from '../../lape/identify.ts';
import { readReferenceActivations, parseReferenceActivationName } from '../../lape/formats/referenceActivation.ts';
import { list, num, parse, rate, UsageError } from '../cliArgs.ts';
import { printJson } from '../output.ts';
import { formatResults } from '../printResults.ts';

export const identifyHelp = `lape identify DIR [--top-rate R] [--filter-rate R] [--activation-bar-ratio R] [--json]
lape identify --reference-activations DIR --langs en,zh,fr,es,vi,id,ja [--top-rate R ...] --json
  Identifies language-specific neurons again from saved statistics, without the model.
  With --reference-activations, reads the reference project's activation.<lang>.* files.`;

export async function identifyCommand(pipeline: Pipeline, argv: string[]): Promise<void> {
  const { values, positionals } = parse('identify', argv, {
    'reference-activations': { type: 'string' }, langs: { type: 'string' },
    'top-rate': { type: 'string' }, 'filter-rate': { type: 'string' }, 'activation-bar-ratio': { type: 'string' },
  });
  const params = {
    topRate: num(values['top-rate'], 'top-rate', rate),
    filterRate: num(values['filter-rate'], 'filter-rate', rate),
    activationBarRatio: num(values['activation-bar-ratio'], 'activation-bar-ratio', rate),
  };
  const refDir = values['reference-activations'] as string | undefined;
  if (refDir) {
    const langs = list(values.langs);
    if (!langs || langs.length < 2) throw new UsageError('--langs needs at least two languages, in the order of the output, e.g. --langs en,zh,fr,es,vi,id,ja.');
    const files = readdirSync(refDir);
    const paths = langs.map((lang) => {
      const hit = files.find((f) => parseReferenceActivationName(f)?.lang === lang);
      if (!hit) throw new UsageError(`No activation.${lang}.* file in ${refDir}. The reference activation.py writes activation.<lang>.train.<model>.`);
      return join(refDir, hit);
    });
    const result = identify(readReferenceActivations(paths, langs), params);
    if (values.json) printJson({ languages: langs, neurons: result.neurons, perLayerCounts: result.perLayerCounts, filterThreshold: result.filterThreshold, activationBar: result.activationBar });
    else console.log(langs.map((l, i) => `${l}: ${result.overlap[i][i]} neurons`).join('\n'));
    return;
  }
  if (positionals.length !== 1) throw new UsageError('Give one results folder: lape identify DIR (or --reference-activations DIR).');
  const dir = resolve(positionals[0]);
  const view = await pipeline.reidentify(dir, params);
  if (values.json) printJson({ outDir: dir, ...view.summary, neurons: view.neurons.neurons });
  else console.log(formatResults(view, dir));
}
