import { resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/types.ts';
import type { ExportFormat } from '../../protocol/pipelineTypes.ts';
import { num, parse, UsageError } from '../cliArgs.ts';
import { printJson } from '../output.ts';

export const exportHelp = `lape export DIR --format json|csv|pth|lora|control-vector [--language L --model M] [--strength X] [--out FILE] [--json]
  Writes the neurons of a results folder for other tools: pth is the reference project's mask;
  lora is an adapter GGUF that deactivates --language's neurons in any llama.cpp program;
  control-vector is the DiffMean direction toward --language times --strength, for llama.cpp's
  --control-vector (needs detect --residual-means).`;

const FORMATS: ExportFormat[] = ['json', 'csv', 'pth', 'lora', 'control-vector'];

export async function exportCommand(pipeline: Pipeline, argv: string[]): Promise<void> {
  const { values, positionals } = parse('export', argv, { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, language: { type: 'string' }, model: { type: 'string' }, strength: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('Give one results folder: lape export DIR --format json|csv|pth.');
  const format = (values.format as string | undefined) ?? 'json';
  if (!FORMATS.includes(format as ExportFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}".`);
  const files = await pipeline.exportResults(resolve(positionals[0]), format as ExportFormat, { out: values.out as string | undefined, language: values.language as string | undefined, model: values.model as string | undefined, strength: num(values.strength, 'strength') });
  if (values.json) printJson({ files });
  else console.log(files.map((f) => `wrote ${f}`).join('\n'));
}
