import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeNeuronPth } from '../lape/formats/pth.ts';
import { PipelineError } from './PipelineError.ts';
import { readResults } from './resultsFolder.ts';
import type { ExportFormat } from '../protocol/pipelineTypes.ts';

/**
 * Writes a results folder's neurons for other tools: the reference project's `.pth` mask
 * (neuron[lang][layer] as int64 tensors, loadable with torch.load), JSON, or CSV with one
 * row per (language, neuron). Returns the files written.
 */
export function exportResults(resultsDir: string, format: Exclude<ExportFormat, 'lora' | 'control-vector'>, out?: string): string[] {
  const { summary, neurons } = readResults(resultsDir);
  const target = (ext: string) => resolve(out ?? join(resultsDir, `neurons.${ext}`));
  switch (format) {
    case 'pth': {
      const path = target('neuron.pth');
      writeNeuronPth(path, neurons.neurons);
      return [path];
    }
    case 'json': {
      const path = target('export.json');
      writeFileSync(path, JSON.stringify({ languages: summary.languages, params: summary.params, model: summary.model, neurons: neurons.neurons, selected: neurons.selected }, null, 1));
      return [path];
    }
    case 'csv': {
      const path = target('csv');
      const header = ['language', 'layer', 'neuron', 'lape', ...summary.languages.map((l) => `p_${l}`), ...summary.languages.map((l) => `mean_${l}`)];
      const rows = [header.join(',')];
      for (const n of neurons.selected) {
        for (const li of n.langs) {
          rows.push([summary.languages[li], n.layer, n.index, n.lape.toPrecision(6), ...n.probs.map((p) => p.toPrecision(6)), ...n.means.map((m) => m.toPrecision(6))].join(','));
        }
      }
      writeFileSync(path, `${rows.join('\n')}\n`);
      return [path];
    }
    default:
      throw new PipelineError('bad-argument', `Unknown export format "${String(format)}": use json, csv, pth, lora or control-vector.`);
  }
}
