// The corpus check of issue 14, B9: binary garbage or another language's text under `en=` used
// to be accepted as English without a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCorpora, invalidUtf8Bytes } from '../../src/corpus/checkCorpusLanguage.ts';
import { createCorpusSpec } from '../../src/corpus/corpusSpec.ts';
import { readUdhrText } from '../../src/corpus/udhrCorpus.ts';
import { CorpusError } from '../../src/corpus/errors.ts';
import { rng } from '../lape/lapeTestSupport.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-corpus-check-'));
const english = await readUdhrText('en');
const french = await readUdhrText('fr');
const chinese = await readUdhrText('zh');

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function warningsFor(pairs: string[]): Promise<[string, string][]> {
  const spec = await createCorpusSpec({ pairs });
  const warnings: [string, string][] = [];
  await checkCorpora(spec.entries, { onWarning: (message, language) => warnings.push([language, message]) });
  return warnings;
}

test('a corpus in another language than declared is warned about, naming both; right ones are not', async () => {
  const en = file('en.txt', english);
  const fr = file('fr.txt', french);
  const zh = file('zh.jsonl', chinese.split('\n').filter((l) => l.trim()).map((text) => JSON.stringify({ text })).join('\n'));
  assert.deepEqual(await warningsFor([`en=${en}`, `fr=${fr}`, `zh=${zh}`]), []);
  const swapped = await warningsFor([`en=${fr}`, `fr=${en}`, `zh-Hant=${zh}`]);
  assert.deepEqual(swapped.map(([l]) => l), ['en', 'fr'], 'zh-Hant text identified as Mandarin is no warning');
  assert.match(swapped[0][1], /The corpus for 'en' \(English\), .*fr\.txt, reads as French \(fra\) in \d+ of \d+ samples, and as English in 0/);
  assert.match(swapped[1][1], /'fr' \(French\), .*en\.txt, reads as English \(eng\)/);
});

test('binary garbage, UTF-16 and Latin-1 files are refused, naming the file and the fix', async () => {
  const r = rng(3);
  const garbage = file('garbage.txt', Uint8Array.from({ length: 20_000 }, () => Math.floor(r() * 256)));
  const utf16 = file('utf16.txt', Buffer.from(english, 'utf16le'));
  const latin1 = file('latin1.txt', Buffer.from(french, 'latin1'));
  for (const [path, what] of [[garbage, /NUL bytes/], [utf16, /NUL bytes/], [latin1, /bytes that are not UTF-8/]] as const) {
    await assert.rejects(warningsFor([`en=${path}`, `fr=${file('ok.txt', french)}`]), (e: unknown) => {
      assert.ok(e instanceof CorpusError, String(e));
      assert.equal(e.code, 'not-text');
      assert.ok(e.message.includes(path), e.message);
      assert.match(e.message, what);
      assert.match(e.message, /saved as UTF-8/);
      return true;
    });
  }
});

test('invalidUtf8Bytes counts bad bytes, and not a character cut by the end of the sample', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(invalidUtf8Bytes(enc('héllo 人人生而自由 😀')), 0);
  assert.equal(invalidUtf8Bytes(Uint8Array.of(0x68, 0xe9, 0x6c)), 1); // Latin-1 é
  assert.equal(invalidUtf8Bytes(Uint8Array.of(0xff, 0xfe, 0x41)), 2);
  assert.equal(invalidUtf8Bytes(enc('人').subarray(0, 2)), 0); // cut, not invalid
  assert.equal(invalidUtf8Bytes(Uint8Array.of(0xe4, 0x41, 0x42)), 1); // a lead byte without its continuation
});
