import { LapeError } from '../lapeError.ts';
import { mergeStats } from '../languageStats.ts';
import { describeModel, readStatsFile, sameModel, writeStatsFile, type StatsFile } from './statsFile.ts';

/**
 * Adds statistics runs of one model over one corpus (shards): counts and token budgets add.
 * Refuses a different model, shape, language list, corpus or sequence length, since the sum
 * would then describe no single experiment.
 */
export function mergeStatsFiles(files: readonly StatsFile[], names?: readonly string[]): StatsFile {
  if (files.length === 0) throw new LapeError('invalid-params', 'no statistics files to merge');
  let acc = files[0];
  for (let i = 1; i < files.length; i++) {
    const f = files[i];
    const name = names?.[i];
    const { meta } = acc;
    if (!sameModel(meta.model, f.meta.model)) {
      throw new LapeError('model-mismatch', `computed on ${describeModel(f.meta.model)}, the others on ${describeModel(meta.model)}`, name);
    }
    if (meta.corpus.sha256 !== f.meta.corpus.sha256 || meta.corpus.name !== f.meta.corpus.name) {
      throw new LapeError('corpus-mismatch', `corpus "${f.meta.corpus.name}" differs from "${meta.corpus.name}"`, name);
    }
    if (meta.sequenceLength !== f.meta.sequenceLength) {
      throw new LapeError('corpus-mismatch', `sequence length ${f.meta.sequenceLength} differs from ${meta.sequenceLength}`, name);
    }
    let stats;
    try {
      stats = mergeStats(acc.stats, f.stats);
    } catch (e) {
      if (e instanceof LapeError) throw new LapeError(e.code, e.message, name, { cause: e });
      throw e;
    }
    acc = {
      meta: { ...meta, tokenBudget: meta.tokenBudget + f.meta.tokenBudget, shards: meta.shards + f.meta.shards },
      stats,
    };
  }
  return acc;
}

/** `lape merge`: reads the shards one at a time, so memory holds two of them at most. */
export function mergeStatsFilesOnDisk(paths: readonly string[], outPath: string): StatsFile {
  if (paths.length === 0) throw new LapeError('invalid-params', 'no statistics files to merge');
  let acc = readStatsFile(paths[0]);
  for (let i = 1; i < paths.length; i++) {
    acc = mergeStatsFiles([acc, readStatsFile(paths[i], { expectedModel: acc.meta.model })], [paths[0], paths[i]]);
  }
  writeStatsFile(outPath, acc);
  return acc;
}
