import { LapeError } from '../lapeError.ts';

/**
 * Which detection sequences of a corpus a statistics file counts: sequence k is covered when
 * `indices` holds k % count. A full run is { count: 1, indices: [0] }; `lape detect --shard i/n`
 * covers { count: n, indices: [i] }. With the corpus hash beside it, this is the identity of
 * the token ranges the counts cover, so merging can refuse to count a token twice.
 */
export interface SequenceCoverage {
  count: number;
  indices: number[];
}

export const FULL_COVERAGE: SequenceCoverage = { count: 1, indices: [0] };

export function shardCoverage(index: number, count: number): SequenceCoverage {
  return normalize({ count, indices: [index] });
}

// Past this, sets of shards are not worth tracking exactly (nobody runs thousands of shards).
const MAX_COUNT = 1 << 16;

export function isSequenceCoverage(v: unknown): v is SequenceCoverage {
  const c = v as SequenceCoverage;
  return typeof c === 'object' && c !== null && Number.isSafeInteger(c.count) && c.count >= 1 && c.count <= MAX_COUNT
    && Array.isArray(c.indices) && c.indices.length > 0 && c.indices.every((i) => Number.isInteger(i) && i >= 0 && i < c.count);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Whether some sequence is covered by both: k % a.count = i and k % b.count = j have a common
 * solution exactly when i and j agree modulo gcd(a.count, b.count) (Chinese remainder theorem).
 */
export function coverageOverlaps(a: SequenceCoverage, b: SequenceCoverage): boolean {
  const g = gcd(a.count, b.count);
  const residues = new Set(a.indices.map((i) => i % g));
  return b.indices.some((j) => residues.has(j % g));
}

/** The sequences covered by either, over the least common multiple of the two counts. */
export function coverageUnion(a: SequenceCoverage, b: SequenceCoverage): SequenceCoverage {
  const count = (a.count / gcd(a.count, b.count)) * b.count;
  if (count > MAX_COUNT) throw new LapeError('invalid-params', `shards of ${a.count} and ${b.count} cannot be combined (more than ${MAX_COUNT} residues)`);
  const inA = new Set(a.indices);
  const inB = new Set(b.indices);
  const indices: number[] = [];
  for (let k = 0; k < count; k++) if (inA.has(k % a.count) || inB.has(k % b.count)) indices.push(k);
  return normalize({ count, indices });
}

/** The same set with the smallest count that describes it (shards 0 and 1 of 2 are all sequences). */
function normalize(c: SequenceCoverage): SequenceCoverage {
  const member = new Set(c.indices);
  for (let d = 1; d <= c.count; d++) {
    if (c.count % d !== 0) continue;
    let periodic = true;
    for (let k = 0; k < c.count && periodic; k++) periodic = member.has(k) === member.has(k % d);
    if (periodic) return { count: d, indices: [...member].filter((k) => k < d).sort((x, y) => x - y) };
  }
  return c;
}

export function describeCoverage(c: SequenceCoverage): string {
  if (c.count === 1) return 'all detection sequences (a full run)';
  return c.indices.length === 1 ? `shard ${c.indices[0]}/${c.count}` : `shards ${c.indices.join(', ')} of ${c.count}`;
}
