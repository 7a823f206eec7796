// A jsonl corpus with one huge line (issue 14, B4): 50 MB took 80 s and 663 MB, growing
// quadratically, because every chunk re-searched the whole unfinished line. The line is now
// found in the bytes, each byte searched once, and a line past a limit is a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCorpusFile } from '../../src/corpus/userCorpus.ts';
import { JsonlLines, MAX_JSONL_LINE_BYTES } from '../../src/corpus/JsonlLines.ts';
import { CorpusError } from '../../src/corpus/errors.ts';

const MB = 1024 * 1024;
const sentence = 'Le renard brun saute par-dessus le chien paresseux. ';

function bigLineFile(lineBytes: number): { dir: string; path: string; size: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lape-bigline-'));
  const path = join(dir, 'fr.jsonl');
  const text = sentence.repeat(Math.ceil(lineBytes / sentence.length));
  const body = `{"text": "short first line"}\n${JSON.stringify({ text: text })}\n{"text": "after"}\n`;
  writeFileSync(path, body);
  return { dir, path, size: Buffer.byteLength(body) };
}

test('a jsonl line longer than the limit is an error naming the file, the line and the limit, read no further than the limit', async () => {
  const { dir, path, size } = bigLineFile(4 * MB);
  try {
    let read = 0;
    const docs: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const d of readCorpusFile(path, { maxLineBytes: MB, onProgress: (n) => (read = n) })) docs.push(d);
      })(),
      (e: unknown) => e instanceof CorpusError && e.code === 'bad-jsonl' && e.line === 2 && /fr\.jsonl:2: line is longer than 1048576 bytes/.test(e.message) && /one document per line/.test(e.message),
    );
    assert.deepEqual(docs, ['short first line']);
    assert.ok(read < 2 * MB, `stopped after ${read} of ${size} bytes`);
  } finally {
    rmSync(dir, { recursive: true });
  }
  assert.ok(MAX_JSONL_LINE_BYTES <= 64 * MB, 'the default limit bounds the memory of one line');
});

test('a big line under the limit is read whole, in pieces, searching each byte once', async () => {
  const { dir, path } = bigLineFile(4 * MB);
  try {
    const docs: string[] = [];
    for await (const d of readCorpusFile(path)) docs.push(d);
    assert.equal(docs[0], 'short first line');
    assert.equal(docs.at(-1), 'after');
    const middle = docs.slice(1, -1);
    assert.ok(middle.every((d) => d.length <= 8192));
    // The pieces put back together are the line's text (cuts fall on spaces, which are trimmed).
    assert.equal(middle.join(' ').replace(/\s+/g, ' '), sentence.repeat(Math.ceil((4 * MB) / sentence.length)).trim());
  } finally {
    rmSync(dir, { recursive: true });
  }
  // The work of finding lines, counted on the chunks themselves: each indexOf call costs the
  // bytes it looks at. Fed in 64 KiB chunks, a 4 MiB line is searched once (4 MiB), where
  // re-searching the unfinished line at every chunk would cost about 32 times that.
  let searched = 0;
  const counted = (chunk: Buffer): Buffer => {
    const indexOf = chunk.indexOf.bind(chunk);
    chunk.indexOf = ((value: number, from: number = 0) => {
      const at = indexOf(value, from);
      searched += (at < 0 ? chunk.length : at + 1) - from;
      return at;
    }) as Buffer['indexOf'];
    return chunk;
  };
  const splitter = new JsonlLines('mem.jsonl', 8192);
  const line = Buffer.from(`${JSON.stringify({ text: sentence.repeat((4 * MB) / 64) })}\n`);
  let docs = 0;
  for (let at = 0; at < line.length; at += 1 << 16) docs += splitter.push(counted(Buffer.from(line.subarray(at, at + (1 << 16))))).length;
  assert.ok(docs > 0);
  assert.equal(searched, line.length);
});
