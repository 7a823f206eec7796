import { LapeError } from '../lapeError.ts';
import { mergeStats } from '../languageStats.ts';
import { realpathSync } from 'node:fs';
import { describeModel, readStatsFile, sameModel, writeStatsFile, type StatsFile } from './statsFile.ts';
import { coverageOverlaps, coverageUnion, describeCoverage } from './sequenceCoverage.ts';

/**
 * Adds statistics runs of one model over one corpus (shards): counts and token budgets add.
 * Refuses a different model, shape, language list, corpus or sequence length, since the sum
 * would then describe no single experiment, and runs that cover the same detection sequences
 * (the same shard twice, or a shard and a full run), since their tokens would count twice.
 * Files written before coverage was recorded merge as before, unless their counts are identical.
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
    const twice = `its tokens would be counted twice. Merge each shard of one \`lape detect --shard i/n\` series once, and not together with a full run.`;
    if (meta.coverage && f.meta.coverage) {
      if (coverageOverlaps(meta.coverage, f.meta.coverage)) {
        throw new LapeError('overlap', `covers ${describeCoverage(f.meta.coverage)}, which overlaps ${describeCoverage(meta.coverage)} of the files before it: ${twice}`, name);
      }
    } else if (sameCounts(acc, f)) {
      throw new LapeError('overlap', `holds exactly the same counts as the files before it (the same run given twice?): ${twice}`, name);
    }
    let stats;
    try {
      stats = mergeStats(acc.stats, f.stats);
    } catch (e) {
      if (e instanceof LapeError) throw new LapeError(e.code, e.message, name, { cause: e });
      throw e;
    }
    // An old file's coverage is unknown, and so is that of any sum it is part of.
    const coverage = meta.coverage && f.meta.coverage ? coverageUnion(meta.coverage, f.meta.coverage) : undefined;
    const { coverage: _old, ...rest } = meta;
    acc = {
      meta: { ...rest, tokenBudget: meta.tokenBudget + f.meta.tokenBudget, shards: meta.shards + f.meta.shards, ...(coverage ? { coverage } : {}) },
      stats,
    };
  }
  return acc;
}

function sameCounts(a: StatsFile, b: StatsFile): boolean {
  const [x, y] = [a.stats.languages, b.stats.languages];
  return x.length === y.length && x.every((l, i) => l.tokens === y[i].tokens && l.overZero.length === y[i].overZero.length && l.overZero.every((v, j) => v === y[i].overZero[j]));
}

/** `lape merge`: reads the shards one at a time, so memory holds two of them at most. */
export function mergeStatsFilesOnDisk(paths: readonly string[], outPath: string): StatsFile {
  if (paths.length === 0) throw new LapeError('invalid-params', 'no statistics files to merge');
  const seen = new Map<string, string>();
  for (const p of paths) {
    let real = p;
    try {
      real = realpathSync(p);
    } catch {
      // a missing file is reported by readStatsFile below, naming it
    }
    const first = seen.get(real);
    if (first !== undefined) throw new LapeError('overlap', `is given twice (also as ${first}): its tokens would be counted twice. Give each shard once.`, p);
    seen.set(real, p);
  }
  let acc = readStatsFile(paths[0]);
  for (let i = 1; i < paths.length; i++) {
    acc = mergeStatsFiles([acc, readStatsFile(paths[i], { expectedModel: acc.meta.model })], [paths[0], paths[i]]);
  }
  writeStatsFile(outPath, acc);
  return acc;
}
