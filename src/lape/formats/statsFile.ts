import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { LapeError } from '../lapeError.ts';
import type { ActivationStats } from '../languageStats.ts';
import { validateStats } from '../languageStats.ts';
import { isSequenceCoverage, type SequenceCoverage } from './sequenceCoverage.ts';

/**
 * Our statistics file, `.lapestats`:
 *   "LAPESTAT" | u32 LE format version | u32 LE header length H | H bytes of UTF-8 JSON
 *   (StatsFileHeader) | zero padding to a multiple of 8 | per language, in header order:
 *   overZero then sumAct, nLayer * nFf little-endian float64 each.
 * The header carries a SHA-256 of the body and one of itself, so a damaged or edited file
 * fails loudly instead of yielding wrong neurons.
 */
export const STATS_FILE_MAGIC = 'LAPESTAT';
export const STATS_FILE_VERSION = 1;

/** Which GGUF the statistics belong to: name for people, size and hashes for checks. */
export interface ModelIdentity {
  fileName: string;
  sizeBytes: number;
  headerSha256: string;
  /** Hash of the header and of samples across the tensor data; absent in files written before it existed. */
  contentSha256?: string;
}

export interface CorpusIdentity {
  name: string;
  sha256: string;
}

export interface StatsFileMeta {
  model: ModelIdentity;
  corpus: CorpusIdentity;
  /** Tokens per language that the run aimed for. */
  tokenBudget: number;
  sequenceLength: number;
  /** How many runs were merged into this file (1 for a single run). */
  shards: number;
  /** Which detection sequences the counts cover; absent in files written before it existed. */
  coverage?: SequenceCoverage;
}

export interface StatsFile {
  meta: StatsFileMeta;
  stats: ActivationStats;
}

interface StatsFileHeader extends StatsFileMeta {
  nLayer: number;
  nFf: number;
  languages: { lang: string; tokens: number }[];
  bodySha256: string;
  /**
   * SHA-256 of this header's JSON without this field (which covers the body through
   * bodySha256): an edited token count or budget would change identification silently.
   * Files written before it existed have none and are read as before.
   */
  headerSha256?: string;
}

export interface ReadStatsFileOptions {
  /** Refuse a file computed on a different model. */
  expectedModel?: ModelIdentity;
}

const PREFIX = 16;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeStatsFile(file: StatsFile): Uint8Array {
  const parts = statsFileParts(file);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Writes without assembling the whole file in memory (70B-sized stats are ~260 MB), into a
 * temporary file beside `path` that is renamed over it once complete: a kill mid-write leaves
 * the finished statistics that were there before, never half a file.
 */
export function writeStatsFile(path: string, file: StatsFile): void {
  const parts = statsFileParts(file);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    for (const p of parts) writeSync(fd, p);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export function readStatsFile(path: string, options: ReadStatsFileOptions = {}): StatsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new LapeError('not-found', `cannot read: ${(e as Error).message}`, path, { cause: e });
  }
  // The buffer is ours, so the arrays may be views of it instead of copies (half the memory).
  return decode(bytes, path, options, true);
}

/** Decodes a statistics file; the arrays are copies, independent of `bytes`. */
export function decodeStatsFile(bytes: Uint8Array, fileName: string, options: ReadStatsFileOptions = {}): StatsFile {
  return decode(bytes, fileName, options, false);
}

function decode(bytes: Uint8Array, fileName: string, options: ReadStatsFileOptions, share: boolean): StatsFile {
  const fail = (code: 'truncated' | 'corrupt' | 'wrong-version', msg: string): never => {
    throw new LapeError(code, msg, fileName);
  };
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (bytes.length >= 8 ? magic !== STATS_FILE_MAGIC : !STATS_FILE_MAGIC.startsWith(magic)) {
    fail('corrupt', 'not a LAPE statistics file (bad magic)');
  }
  if (bytes.length < PREFIX) fail('truncated', 'statistics file is truncated');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== STATS_FILE_VERSION) {
    fail('wrong-version', `statistics file format version ${version}; this build reads version ${STATS_FILE_VERSION}`);
  }
  const headerLen = dv.getUint32(12, true);
  if (PREFIX + headerLen > bytes.length) fail('truncated', 'statistics file is truncated inside its header');
  let header: StatsFileHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLen)));
  } catch {
    return fail('corrupt', 'statistics file header is not valid JSON');
  }
  checkHeader(header, fail);
  const { headerSha256, ...unsigned } = header;
  if (headerSha256 !== undefined && createHash('sha256').update(JSON.stringify(unsigned)).digest('hex') !== headerSha256) {
    fail('corrupt', 'statistics file header was changed after it was written (header checksum mismatch); detect again, or restore the file');
  }
  const bodyStart = align8(PREFIX + headerLen);
  const size = header.nLayer * header.nFf;
  const bodyLen = header.languages.length * 2 * size * 8;
  if (bytes.length < bodyStart + bodyLen) {
    fail('truncated', `statistics file is truncated: ${bytes.length} bytes, expected ${bodyStart + bodyLen}`);
  }
  if (bytes.length > bodyStart + bodyLen) fail('corrupt', `statistics file has ${bytes.length - bodyStart - bodyLen} unexpected trailing bytes`);
  const body = bytes.subarray(bodyStart);
  if (createHash('sha256').update(body).digest('hex') !== header.bodySha256) {
    fail('corrupt', 'statistics file is corrupted (body checksum mismatch)');
  }
  if (options.expectedModel && !sameModel(options.expectedModel, header.model)) {
    throw new LapeError(
      'model-mismatch',
      `statistics were computed on ${describeModel(header.model)}, not on ${describeModel(options.expectedModel)}`,
      fileName,
    );
  }
  const array = (k: number): Float64Array => readFloat64(body, k * size * 8, size, share);
  const stats: ActivationStats = {
    nLayer: header.nLayer,
    nFf: header.nFf,
    languages: header.languages.map((l, i) => ({ lang: l.lang, tokens: l.tokens, overZero: array(2 * i), sumAct: array(2 * i + 1) })),
  };
  const { model, corpus, tokenBudget, sequenceLength, shards, coverage } = header;
  return { meta: { model, corpus, tokenBudget, sequenceLength, shards, ...(coverage ? { coverage } : {}) }, stats };
}

/** What tells two identities apart, or undefined when they may be the same file. */
export type ModelDifference = 'size' | 'header' | 'content';

/**
 * Size first, then the header hash, then the content hash when both identities have one:
 * an identity recorded before contentSha256 existed is matched on the other two alone, as
 * it was then.
 */
export function modelDifference(a: Omit<ModelIdentity, 'fileName'>, b: Omit<ModelIdentity, 'fileName'>): ModelDifference | undefined {
  if (a.sizeBytes !== b.sizeBytes) return 'size';
  if (a.headerSha256 !== b.headerSha256) return 'header';
  if (a.contentSha256 !== undefined && b.contentSha256 !== undefined && a.contentSha256 !== b.contentSha256) return 'content';
  return undefined;
}

export function sameModel(a: ModelIdentity, b: ModelIdentity): boolean {
  return modelDifference(a, b) === undefined;
}

export function describeModel(m: ModelIdentity): string {
  const content = m.contentSha256 === undefined ? '' : `, content sha256 ${m.contentSha256.slice(0, 12)}…`;
  return `${m.fileName} (${m.sizeBytes} bytes, header sha256 ${m.headerSha256.slice(0, 12)}…${content})`;
}

function statsFileParts(file: StatsFile): Uint8Array[] {
  const { stats, meta } = file;
  validateStats(stats);
  const arrays = stats.languages.flatMap((l) => [l.overZero, l.sumAct]).map(float64Bytes);
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(a);
  const header: StatsFileHeader = {
    model: meta.model,
    corpus: meta.corpus,
    tokenBudget: meta.tokenBudget,
    sequenceLength: meta.sequenceLength,
    shards: meta.shards,
    ...(meta.coverage ? { coverage: meta.coverage } : {}),
    nLayer: stats.nLayer,
    nFf: stats.nFf,
    languages: stats.languages.map((l) => ({ lang: l.lang, tokens: l.tokens })),
    bodySha256: hash.digest('hex'),
  };
  header.headerSha256 = createHash('sha256').update(JSON.stringify(header)).digest('hex');
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(align8(PREFIX + json.length));
  head.set(new TextEncoder().encode(STATS_FILE_MAGIC));
  const dv = new DataView(head.buffer);
  dv.setUint32(8, STATS_FILE_VERSION, true);
  dv.setUint32(12, json.length, true);
  head.set(json, PREFIX);
  return [head, ...arrays];
}

function float64Bytes(a: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.length * 8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat64(8 * i, a[i], true);
  return out;
}

function readFloat64(body: Uint8Array, offset: number, n: number, share: boolean): Float64Array {
  const start = body.byteOffset + offset;
  if (LITTLE_ENDIAN_HOST) {
    if (share && start % 8 === 0) return new Float64Array(body.buffer, start, n);
    return new Float64Array(body.buffer.slice(start, start + n * 8));
  }
  const dv = new DataView(body.buffer, start, n * 8);
  return Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i, true));
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function checkHeader(h: StatsFileHeader, fail: (code: 'corrupt', msg: string) => never): void {
  const bad = (what: string): never => fail('corrupt', `statistics file header: ${what}`);
  if (typeof h !== 'object' || h === null) bad('not an object');
  const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!isCount(h.nLayer) || !isCount(h.nFf) || h.nLayer === 0 || h.nFf === 0) bad('invalid nLayer or nFf');
  if (!h.model || typeof h.model.fileName !== 'string' || !isCount(h.model.sizeBytes) || typeof h.model.headerSha256 !== 'string' ||
    (h.model.contentSha256 !== undefined && typeof h.model.contentSha256 !== 'string')) {
    bad('invalid model identity');
  }
  if (!h.corpus || typeof h.corpus.name !== 'string' || typeof h.corpus.sha256 !== 'string') bad('invalid corpus identity');
  if (!isCount(h.tokenBudget) || !isCount(h.sequenceLength) || !isCount(h.shards)) bad('invalid token budget, sequence length or shard count');
  if (!Array.isArray(h.languages) || h.languages.some((l) => typeof l?.lang !== 'string' || !isCount(l.tokens))) bad('invalid languages');
  if (typeof h.bodySha256 !== 'string') bad('missing body checksum');
  if (h.coverage !== undefined && !isSequenceCoverage(h.coverage)) bad('invalid sequence coverage');
}
