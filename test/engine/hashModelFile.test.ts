// The model identity's hashes, on plain files (no model needed): contentSha256 against a
// reference computed from the whole file in memory, what it catches, and what it does not.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_CHUNK, CONTENT_SAMPLES, contentSampleRanges, hashModelFile, headerSampleRanges } from '../../src/engine/hashModelFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-hash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KiB = 1024;
const HEADER = 3001;
// 12 MiB and a bit: three times the size the samples cover whole, and not a multiple of anything.
const DATA = 12 * 1024 * KiB + 777;
const SIZE = HEADER + DATA;

const original = join(dir, 'a.bin');
const bytes = randomBytes(SIZE);
writeFileSync(original, bytes);

function sha(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** A copy of the file with `n` bytes at `at` changed (each one's bits flipped). */
function variant(name: string, at: number, n = 16): string {
  const b = Buffer.from(bytes);
  for (let i = at; i < at + n; i++) b[i] ^= 0xff;
  const path = join(dir, name);
  writeFileSync(path, b);
  return path;
}

test('the samples: 64 evenly spaced 64 KiB chunks from the first data byte, then the last chunk', () => {
  const ranges = contentSampleRanges(HEADER, SIZE);
  assert.equal(ranges.length, CONTENT_SAMPLES + 1);
  assert.equal(ranges[0].start, HEADER, 'the first bytes of the data section are always read');
  assert.equal(ranges.at(-1)!.start + ranges.at(-1)!.length, SIZE, 'the last bytes too');
  assert.ok(ranges.every((r) => r.length === CONTENT_CHUNK));
  const gaps = ranges.slice(1, CONTENT_SAMPLES).map((r, i) => r.start - ranges[i].start);
  assert.ok(Math.max(...gaps) - Math.min(...gaps) <= 1, `evenly spaced: ${Math.min(...gaps)}..${Math.max(...gaps)}`);
  // A small data section is read whole: every byte lies in some sample.
  for (const data of [1, 100, CONTENT_CHUNK - 1, CONTENT_CHUNK + 1, 3 * CONTENT_CHUNK + 5, CONTENT_SAMPLES * CONTENT_CHUNK]) {
    const covered = new Uint8Array(data);
    for (const r of contentSampleRanges(10, 10 + data)) covered.fill(1, r.start - 10, r.start - 10 + r.length);
    assert.ok(covered.every((c) => c === 1), `a data section of ${data} bytes is covered whole`);
  }
  assert.deepEqual(contentSampleRanges(10, 10), []);
});

test('both hashes equal a reference computed from the whole file, and an identical copy has them too', async () => {
  const data = bytes.subarray(HEADER);
  const chunk = (at: number) => data.subarray(at, at + CONTENT_CHUNK);
  // Written out again from the definition, not from contentSampleRanges.
  const samples = Array.from({ length: 64 }, (_, i) => chunk(Math.floor((i * DATA) / 64)));
  const header = bytes.subarray(0, HEADER);
  const content = sha(header, ...samples, chunk(DATA - CONTENT_CHUNK));
  // headerSha256 as every results folder has recorded it: header, first, middle and last 64 KiB.
  const legacy = sha(header, chunk(0), chunk(Math.floor((DATA - CONTENT_CHUNK) / 2)), chunk(DATA - CONTENT_CHUNK));
  const got = await hashModelFile(original, HEADER, SIZE);
  assert.deepEqual(got, { headerSha256: legacy, contentSha256: content });
  const copy = join(dir, 'copy.bin');
  copyFileSync(original, copy);
  assert.deepEqual(await hashModelFile(copy, HEADER, SIZE), got);
});

test('a change inside a sampled range of the tensor data changes contentSha256, though not headerSha256', async () => {
  const a = await hashModelFile(original, HEADER, SIZE);
  const r = contentSampleRanges(HEADER, SIZE)[37];
  const legacyRanges = headerSampleRanges(HEADER, SIZE);
  const at = r.start + r.length / 2;
  assert.ok(legacyRanges.every((l) => at + 16 <= l.start || at >= l.start + l.length), 'the change is outside the three samples of headerSha256');
  const b = await hashModelFile(variant('b.bin', at), HEADER, SIZE);
  assert.notEqual(b.contentSha256, a.contentSha256);
  assert.equal(b.headerSha256, a.headerSha256, 'headerSha256 alone cannot tell these files apart');
  // The first and last bytes of a sample count as much as its middle.
  for (const [name, at2] of [['first', r.start], ['last', r.start + r.length - 1]] as const) {
    assert.notEqual((await hashModelFile(variant(`b-${name}.bin`, at2, 1), HEADER, SIZE)).contentSha256, a.contentSha256, `the ${name} byte of a sample`);
  }
  const header = await hashModelFile(variant('h.bin', 100, 1), HEADER, SIZE);
  assert.notEqual(header.contentSha256, a.contentSha256, 'a header byte');
  assert.notEqual(header.headerSha256, a.headerSha256);
});

test('the limit of sampling: a change confined to the bytes between two samples keeps the identity', async () => {
  const ranges = contentSampleRanges(HEADER, SIZE);
  const gapStart = ranges[37].start + ranges[37].length;
  assert.ok(ranges[38].start - gapStart > 1000, 'samples of a 12 MiB data section leave gaps');
  const c = await hashModelFile(variant('c.bin', gapStart + 100), HEADER, SIZE);
  assert.deepEqual(c, await hashModelFile(original, HEADER, SIZE));
  assert.notDeepEqual(readFileSync(join(dir, 'c.bin')), bytes, 'the file did change');
});

test('an aborted hash stops with an "aborted" error', async () => {
  const ac = new AbortController();
  ac.abort(new Error('closed by the user'));
  await assert.rejects(hashModelFile(original, HEADER, SIZE, ac.signal), (e: Error & { code?: string }) => e.code === 'aborted' && /closed by the user/.test(e.message));
});
