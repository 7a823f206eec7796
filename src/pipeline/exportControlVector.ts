import { join, resolve } from 'node:path';
import { GgufWriter } from '../gguf/ggufWriter.ts';
import type { DiffMeanOptions } from '../protocol/steering.ts';
import { DEFAULT_DIFFMEAN_STRENGTH } from '../protocol/steering.ts';
import { PipelineError } from './PipelineError.ts';
import { diffMeanResidualEdits, readResidualMeans } from './residualMeans.ts';
import { readSummary } from './resultsFolder.ts';

/**
 * Writes the DiffMean direction toward `language`, times its strength, as a llama.cpp
 * control vector: the file `llama-cli --control-vector F` reads (common_control_vector_load
 * in common/common.cpp: F32 1-D tensors `direction.<il>`, il >= 1, added to block il's
 * output) with the metadata tools/cvector-generator writes.
 */
export async function exportControlVector(resultsDir: string, language: string | undefined, options: DiffMeanOptions & { out?: string } = {}): Promise<string[]> {
  if (!language) throw new PipelineError('bad-argument', 'A control vector steers toward one language: give it (--language X).');
  const summary = readSummary(resultsDir);
  const means = readResidualMeans(resultsDir);
  const edits = diffMeanResidualEdits(means, { language, strength: options.strength ?? DEFAULT_DIFFMEAN_STRENGTH, layers: options.layers });
  const w = new GgufWriter();
  w.setString('general.architecture', 'controlvector');
  w.setString('controlvector.model_hint', summary.model.architecture);
  w.set('controlvector.layer_count', { type: 'int32', value: edits.length });
  for (const e of edits) w.addTensor({ name: `direction.${e.layer}`, shape: [means.nEmbd], type: 'f32', data: Float32Array.from(e.vector) });
  const path = resolve(options.out ?? join(resultsDir, `diffmean-${language}.cvec.gguf`));
  await w.write(path);
  return [path];
}
