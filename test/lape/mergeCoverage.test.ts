// Statistics carry the detection sequences they cover, and merging refuses to count a token
// twice (issue 14, B5: `lape merge R R` used to exit 0 with every count doubled).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatsFile, writeStatsFile, type StatsFile } from '../../src/lape/formats/statsFile.ts';
import { mergeStatsFiles, mergeStatsFilesOnDisk } from '../../src/lape/formats/mergeStatsFiles.ts';
import { FULL_COVERAGE, coverageOverlaps, coverageUnion, shardCoverage, type SequenceCoverage } from '../../src/lape/formats/sequenceCoverage.ts';
import { LapeError } from '../../src/lape/lapeError.ts';
import { randomStats, rng } from './lapeTestSupport.ts';

const isErr = (c: string, re: RegExp) => (e: unknown) => e instanceof LapeError && e.code === c && re.test(e.message);

function run(seed: number, coverage?: SequenceCoverage): StatsFile {
  return {
    meta: {
      model: { fileName: 'tiny.gguf', sizeBytes: 123456, headerSha256: 'ab'.repeat(32) },
      corpus: { name: 'udhr', sha256: 'cd'.repeat(32) },
      tokenBudget: 1000,
      sequenceLength: 128,
      shards: 1,
      ...(coverage ? { coverage } : {}),
    },
    stats: randomStats({ nLayer: 2, nFf: 8, langs: ['en', 'zh'], seed }),
  };
}

/** The covered sequence numbers below `n`, straight from the definition (k % count in indices). */
function covered(c: SequenceCoverage, n: number): number[] {
  return Array.from({ length: n }, (_, k) => k).filter((k) => c.indices.includes(k % c.count));
}

test('overlap and union agree with enumerating the sequences', () => {
  const r = rng(5);
  for (let trial = 0; trial < 300; trial++) {
    const pick = (): SequenceCoverage => {
      const count = 1 + Math.floor(r() * 6);
      const indices = [...new Set(Array.from({ length: 1 + Math.floor(r() * count) }, () => Math.floor(r() * count)))];
      return { count, indices };
    };
    const [a, b] = [pick(), pick()];
    const n = 120; // a multiple of every lcm of counts up to 6 (60)
    const [sa, sb] = [new Set(covered(a, n)), new Set(covered(b, n))];
    assert.equal(coverageOverlaps(a, b), [...sa].some((k) => sb.has(k)), JSON.stringify([a, b]));
    const u = coverageUnion(a, b);
    assert.deepEqual(covered(u, n), covered({ count: n, indices: [...new Set([...sa, ...sb])] }, n), JSON.stringify([a, b, u]));
  }
  assert.deepEqual(coverageUnion(shardCoverage(0, 2), shardCoverage(1, 2)), FULL_COVERAGE);
});

test('shards that do not overlap merge, and their sum knows it covers everything', () => {
  const m = mergeStatsFiles([run(1, shardCoverage(0, 2)), run(2, shardCoverage(1, 2))]);
  assert.deepEqual(m.meta.coverage, FULL_COVERAGE);
  const four = mergeStatsFiles([run(1, shardCoverage(0, 4)), run(2, shardCoverage(2, 4)), run(3, shardCoverage(1, 2))]);
  assert.deepEqual(four.meta.coverage, FULL_COVERAGE);
  assert.equal(four.meta.shards, 3);
});

test('the same shard twice, a shard with a full run, or overlapping shard series are refused, naming the file', () => {
  const twice = () => mergeStatsFiles([run(1, shardCoverage(0, 2)), run(2, shardCoverage(0, 2))], ['s0', 's0-again']);
  assert.throws(twice, isErr('overlap', /^s0-again: covers shard 0\/2, which overlaps shard 0\/2 .*counted twice/));
  assert.throws(() => mergeStatsFiles([run(1, FULL_COVERAGE), run(2, shardCoverage(1, 2))], ['full', 's1']), isErr('overlap', /^s1: covers shard 1\/2, which overlaps all detection sequences/));
  // Sequence 3 is in shard 1 of 2 and in shard 0 of 3.
  assert.throws(() => mergeStatsFiles([run(1, shardCoverage(1, 2)), run(2, shardCoverage(0, 3))]), isErr('overlap', /shard 0\/3/));
  // A third shard that overlaps the sum of the first two.
  assert.throws(() => mergeStatsFiles([run(1, shardCoverage(0, 4)), run(2, shardCoverage(1, 4)), run(3, shardCoverage(1, 2))]), isErr('overlap', /shards 0, 1 of 4/));
});

test('files without coverage (written before it existed) still merge, unless they hold the same counts', () => {
  const m = mergeStatsFiles([run(1), run(2)]);
  assert.equal(m.meta.coverage, undefined);
  assert.equal(m.meta.shards, 2);
  assert.throws(() => mergeStatsFiles([run(1), run(1)], ['a', 'b']), isErr('overlap', /^b: holds exactly the same counts/));
  // New with old: allowed (nothing proves an overlap), and the sum's coverage is unknown.
  assert.equal(mergeStatsFiles([run(1, shardCoverage(0, 2)), run(2)]).meta.coverage, undefined);
});

test('on disk: coverage survives the round trip, and one file given twice (by any path) is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-coverage-'));
  const s0 = join(dir, 's0.lapestats');
  const s1 = join(dir, 's1.lapestats');
  writeStatsFile(s0, run(1, shardCoverage(0, 2)));
  writeStatsFile(s1, run(2, shardCoverage(1, 2)));
  assert.deepEqual(readStatsFile(s0).meta.coverage, { count: 2, indices: [0] });
  const merged = mergeStatsFilesOnDisk([s0, s1], join(dir, 'm.lapestats'));
  assert.deepEqual(readStatsFile(join(dir, 'm.lapestats')).meta.coverage, FULL_COVERAGE);
  assert.deepEqual(merged.meta.coverage, FULL_COVERAGE);
  const link = join(dir, 'link.lapestats');
  symlinkSync(s0, link);
  assert.throws(() => mergeStatsFilesOnDisk([s0, join(dir, '.', 's0.lapestats')], join(dir, 'x.lapestats')), isErr('overlap', /is given twice/));
  assert.throws(() => mergeStatsFilesOnDisk([s0, link], join(dir, 'x.lapestats')), isErr('overlap', /link\.lapestats: is given twice \(also as .*s0\.lapestats\)/));
});
