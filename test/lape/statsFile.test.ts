import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeStatsFile,
  encodeStatsFile,
  readStatsFile,
  writeStatsFile,
  type ModelIdentity,
  type StatsFile,
} from '../../src/lape/formats/statsFile.ts';
import { mergeStatsFiles, mergeStatsFilesOnDisk } from '../../src/lape/formats/mergeStatsFiles.ts';
import { LapeError } from '../../src/lape/lapeError.ts';
import { randomStats } from './lapeTestSupport.ts';

const MODEL: ModelIdentity = { fileName: 'tiny.gguf', sizeBytes: 123456, headerSha256: 'ab'.repeat(32) };

function sample(seed: number, model = MODEL): StatsFile {
  const stats = randomStats({ nLayer: 3, nFf: 16, langs: ['en', 'zh', 'ja'], seed });
  stats.languages[2].sumAct[5] = NaN; // unknown sums survive the round trip
  return {
    meta: { model, corpus: { name: 'udhr', sha256: 'cd'.repeat(32) }, tokenBudget: 50_000, sequenceLength: 512, shards: 1 },
    stats,
  };
}

const isErr = (c: string, re: RegExp) => (e: unknown) => e instanceof LapeError && e.code === c && re.test(e.message);

test('stats file round trip, in memory and on disk', () => {
  const file = sample(1);
  assert.deepEqual(decodeStatsFile(encodeStatsFile(file), 'mem'), file);
  const path = join(mkdtempSync(join(tmpdir(), 'lape-stats-')), 'a.lapestats');
  writeStatsFile(path, file);
  assert.deepEqual(readStatsFile(path, { expectedModel: MODEL }), file);
});

test('stats file errors are typed and name the file', () => {
  const bytes = encodeStatsFile(sample(2));
  assert.throws(() => decodeStatsFile(bytes.subarray(0, bytes.length - 1), 'cut.lapestats'), isErr('truncated', /cut\.lapestats: statistics file is truncated/));
  assert.throws(() => decodeStatsFile(bytes.subarray(0, 20), 'head.lapestats'), isErr('truncated', /head\.lapestats: .*inside its header/));
  assert.throws(() => decodeStatsFile(bytes.subarray(0, 5), 'tiny.lapestats'), isErr('truncated', /tiny\.lapestats/));
  assert.throws(() => decodeStatsFile(new Uint8Array(0), 'empty.lapestats'), isErr('truncated', /empty\.lapestats/));
  assert.throws(() => decodeStatsFile(new TextEncoder().encode('GGUF and more bytes here'), 'x.gguf'), isErr('corrupt', /x\.gguf: not a LAPE statistics file/));

  const v2 = bytes.slice();
  new DataView(v2.buffer).setUint32(8, 2, true);
  assert.throws(() => decodeStatsFile(v2, 'new.lapestats'), isErr('wrong-version', /new\.lapestats: statistics file format version 2; this build reads version 1/));

  const flipped = bytes.slice();
  flipped[flipped.length - 3] ^= 0x40;
  assert.throws(() => decodeStatsFile(flipped, 'flip.lapestats'), isErr('corrupt', /flip\.lapestats: .*checksum/));

  const extra = new Uint8Array(bytes.length + 8);
  extra.set(bytes);
  assert.throws(() => decodeStatsFile(extra, 'long.lapestats'), isErr('corrupt', /trailing bytes/));

  const badJson = bytes.slice();
  badJson[16] = 0x7b + 1; // '{' -> '|'
  assert.throws(() => decodeStatsFile(badJson, 'json.lapestats'), isErr('corrupt', /not valid JSON/));

  const other: ModelIdentity = { fileName: 'other.gguf', sizeBytes: 999, headerSha256: 'ef'.repeat(32) };
  assert.throws(() => decodeStatsFile(bytes, 'm.lapestats', { expectedModel: other }), isErr('model-mismatch', /m\.lapestats: statistics were computed on tiny\.gguf/));
  // The file name alone does not decide identity: a renamed copy of the model is the same model.
  assert.doesNotThrow(() => decodeStatsFile(bytes, 'm.lapestats', { expectedModel: { ...MODEL, fileName: 'renamed.gguf' } }));

  const dir = mkdtempSync(join(tmpdir(), 'lape-stats-bad-'));
  assert.throws(() => readStatsFile(join(dir, 'missing.lapestats')), isErr('not-found', /missing\.lapestats/));
});

test('mergeStatsFiles adds shards and refuses other models, shapes and corpora', () => {
  const a = sample(3);
  const b = sample(4);
  const m = mergeStatsFiles([a, b]);
  assert.equal(m.meta.shards, 2);
  assert.equal(m.meta.tokenBudget, 100_000);
  assert.equal(m.stats.languages[1].tokens, a.stats.languages[1].tokens + b.stats.languages[1].tokens);
  assert.equal(m.stats.languages[0].overZero[7], a.stats.languages[0].overZero[7] + b.stats.languages[0].overZero[7]);

  const otherModel = sample(5, { ...MODEL, headerSha256: '00'.repeat(32) });
  assert.throws(() => mergeStatsFiles([a, otherModel], ['a', 'b.lapestats']), isErr('model-mismatch', /b\.lapestats/));
  const otherShape = { ...sample(6), stats: randomStats({ nLayer: 3, nFf: 17, langs: ['en', 'zh', 'ja'], seed: 6 }) };
  assert.throws(() => mergeStatsFiles([a, otherShape], ['a', 'c.lapestats']), isErr('shape-mismatch', /c\.lapestats/));
  const otherCorpus = { ...b, meta: { ...b.meta, corpus: { name: 'wiki', sha256: '11'.repeat(32) } } };
  assert.throws(() => mergeStatsFiles([a, otherCorpus]), isErr('corpus-mismatch', /corpus "wiki"/));
  const otherLength = { ...b, meta: { ...b.meta, sequenceLength: 1024 } };
  assert.throws(() => mergeStatsFiles([a, otherLength]), isErr('corpus-mismatch', /sequence length/));
  assert.throws(() => mergeStatsFiles([]), isErr('invalid-params', /no statistics/));
});

test('mergeStatsFilesOnDisk writes the sum of the shards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-merge-'));
  const shards = [sample(7), sample(8), sample(9)];
  const paths = shards.map((s, i) => {
    const p = join(dir, `shard${i}.lapestats`);
    writeStatsFile(p, s);
    return p;
  });
  const out = join(dir, 'merged.lapestats');
  const merged = mergeStatsFilesOnDisk(paths, out);
  assert.deepEqual(readStatsFile(out), merged);
  assert.equal(merged.meta.shards, 3);
  assert.deepEqual(merged, mergeStatsFiles(shards));

  const wrong = join(dir, 'wrong.lapestats');
  writeStatsFile(wrong, sample(10, { ...MODEL, sizeBytes: 1 }));
  assert.throws(() => mergeStatsFilesOnDisk([paths[0], wrong], join(dir, 'x.lapestats')), isErr('model-mismatch', /wrong\.lapestats/));
  writeFileSync(wrong, 'garbage');
  assert.throws(() => mergeStatsFilesOnDisk([paths[0], wrong], join(dir, 'x.lapestats')), isErr('corrupt', /wrong\.lapestats/));
});

test('an edited header is refused (the token count changes identification), and a file from before the header checksum still reads', () => {
  const bytes = encodeStatsFile(sample(3));
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const at = text.indexOf('"tokenBudget":50000');
  assert.ok(at > 0, 'the header names the budget');
  const edited = Uint8Array.from(bytes);
  edited.set(new TextEncoder().encode('"tokenBudget":99999'), at); // same length: only the checksum can tell
  assert.throws(() => decodeStatsFile(edited, 'edited.lapestats'), isErr('corrupt', /header was changed.*edited\.lapestats|edited\.lapestats.*header was changed/s));
  // The same header without its checksum field, as files written before it: padded to the same length.
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const len = dv.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + len)));
  delete header.headerSha256;
  const json = JSON.stringify(header).padEnd(len, ' ');
  const old = Uint8Array.from(bytes);
  old.set(new TextEncoder().encode(json), 16);
  assert.deepEqual(decodeStatsFile(old, 'old.lapestats').meta.tokenBudget, 50_000);
});

test('the content hash is compared when both identities have one, and an identity from before it is matched on size and header', () => {
  const withContent: ModelIdentity = { ...MODEL, contentSha256: '12'.repeat(32) };
  const bytes = encodeStatsFile(sample(11, withContent));
  assert.deepEqual(decodeStatsFile(bytes, 'new.lapestats').meta.model, withContent, 'written and read back');
  assert.doesNotThrow(() => decodeStatsFile(bytes, 'new.lapestats', { expectedModel: withContent }));
  // Same size and header, other tensor data: refused, and the message shows both content hashes.
  const otherWeights: ModelIdentity = { ...MODEL, fileName: 'retuned.gguf', contentSha256: '34'.repeat(32) };
  assert.throws(
    () => decodeStatsFile(bytes, 'new.lapestats', { expectedModel: otherWeights }),
    isErr('model-mismatch', /computed on tiny\.gguf \(.*content sha256 121212121212….*not on retuned\.gguf \(.*content sha256 343434343434…/),
  );
  assert.throws(() => mergeStatsFiles([sample(12, withContent), sample(13, otherWeights)], ['a', 'b.lapestats']), isErr('model-mismatch', /b\.lapestats/));
  // Statistics from before the content hash (MODEL has none) against a model that has one, and the other way round.
  assert.doesNotThrow(() => decodeStatsFile(encodeStatsFile(sample(14)), 'old.lapestats', { expectedModel: withContent }));
  assert.doesNotThrow(() => decodeStatsFile(bytes, 'new.lapestats', { expectedModel: MODEL }));
  assert.equal(mergeStatsFiles([sample(15), sample(16, withContent)]).meta.shards, 2);
  // Without a content hash on one side, the header still decides.
  assert.throws(() => decodeStatsFile(bytes, 'new.lapestats', { expectedModel: { ...MODEL, headerSha256: '00'.repeat(32) } }), isErr('model-mismatch', /new\.lapestats/));
});
