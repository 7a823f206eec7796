import type { Pipeline } from '../../pipeline/types.ts';
import { parse, UsageError } from '../cliArgs.ts';
import { printJson, table } from '../output.ts';

export const infoHelp = `lape info MODEL [--json]
  Architecture, layers, FFN width, vocabulary and context length of a GGUF model ("demo" for the built-in one),
  and whether neuron analysis supports it.`;

export async function infoCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parse('info', argv, {});
  if (positionals.length !== 1) throw new UsageError('Give one model: lape info MODEL.gguf (or demo).');
  const info = await pipeline.modelInfo({ model: positionals[0], signal });
  if (values.json) {
    printJson(info);
    return;
  }
  console.log(table([
    ['', ''],
    ['file', info.path],
    ['size', `${(info.sizeBytes / 2 ** 20).toFixed(1)} MiB`],
    ['architecture', info.architecture],
    ['layers', info.nLayer],
    ['n_embd', info.nEmbd],
    ['n_ff (neurons per layer)', info.nFf],
    ['vocabulary', info.nVocab],
    ['context length', info.contextLength],
    ['llama.cpp build', info.gpuFallback ? `${info.backend} (${info.gpuFallback.tried} failed its self-test)` : info.backend],
  ]));
}
