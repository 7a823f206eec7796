import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSequences } from '../../src/corpus/buildSequences.ts';
import { createCorpusSpec, openCorpus } from '../../src/corpus/corpusSpec.ts';
import { describeCorpus } from '../../src/corpus/describeCorpus.ts';
import { CorpusError } from '../../src/corpus/errors.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/corpus/folder', import.meta.url));
const bytes = (text: string): Int32Array => Int32Array.from(Buffer.from(text, 'utf8'));

test('by default the corpus is the UDHR text of the paper languages', async () => {
  const spec = await createCorpusSpec();
  assert.deepEqual(spec.entries.map((e) => e.language.code), ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']);
  const zh = spec.entries[1].source;
  assert.ok(zh.kind === 'udhr' && zh.udhr === 'cmn_hans' && /^\d+\.\d+\.\d+$/.test(zh.version), JSON.stringify(zh));
  const custom = await createCorpusSpec({ languages: ['de', 'ko'] });
  assert.deepEqual(custom.entries.map((e) => e.language.udhr), ['deu_1996', 'kor']);
  await assert.rejects(createCorpusSpec({ languages: ['en', 'eng'] }), (e: CorpusError) => e.code === 'duplicate-language');
  await assert.rejects(createCorpusSpec({ languages: ['en', 'xq'] }), (e: CorpusError) => e.code === 'unknown-language');
});

test('every paper language gives detection and evaluation sequences from its UDHR text', async () => {
  const spec = await createCorpusSpec();
  for (const entry of spec.entries) {
    const result = await buildSequences(openCorpus(entry), { tokenize: bytes, seqLen: 128, detectBudget: 100_000, evalBudget: 100_000, bosToken: 256, language: entry.language.code });
    assert.ok(result.detectTokens > 4000 && result.evalTokens > 400, `${entry.language.code}: ${result.detectTokens}/${result.evalTokens}`);
    assert.equal(result.exhausted, true);
  }
});

test('a folder or pairs make file entries; a language filter selects and orders them', async () => {
  const folder = await createCorpusSpec({ folder: FIXTURES });
  assert.deepEqual(folder.entries.map((e) => e.language.code), ['en', 'zh', 'fr']);
  const picked = await createCorpusSpec({ folder: FIXTURES, languages: ['fr', 'en'] });
  assert.deepEqual(picked.entries.map((e) => e.language.code), ['fr', 'en']);
  await assert.rejects(createCorpusSpec({ folder: FIXTURES, languages: ['ja'] }), (e: CorpusError) => e.code === 'missing-file' && /ja\.txt or ja\.jsonl/.test(e.message));
  const pairs = await createCorpusSpec({ pairs: ['zh=zh.txt'], cwd: FIXTURES });
  const docs: string[] = [];
  for await (const doc of openCorpus(pairs.entries[0])) docs.push(doc);
  assert.deepEqual(docs, ['今天天气很好。', '我们去公园散步。']);
  await assert.rejects(createCorpusSpec({ folder: FIXTURES, pairs: ['en=en.txt'] }), (e: CorpusError) => e.code === 'bad-option');
});

test('the corpus identity is stable, and changes with the split, the text files or the languages', async () => {
  const udhr = await createCorpusSpec();
  const split = { seqLen: 512, detectBudget: 100_000, evalBudget: 10_000 };
  const id = describeCorpus(udhr, split);
  assert.deepEqual(describeCorpus(await createCorpusSpec(), split), id);
  assert.match(id.hash, /^[0-9a-f]{16}$/);
  assert.match(id.key, /en=udhr:eng@\d/);
  assert.match(id.label, /^en: UDHR eng, zh: UDHR cmn_hans/);
  assert.notEqual(describeCorpus(udhr, { ...split, seqLen: 256 }).hash, id.hash);
  assert.notEqual(describeCorpus(udhr, { ...split, evalFraction: 0.2 }).hash, id.hash);
  assert.notEqual(describeCorpus(udhr).hash, id.hash);
  assert.notEqual(describeCorpus(await createCorpusSpec({ languages: ['en', 'zh'] }), split).hash, id.hash);

  const dir = mkdtempSync(join(tmpdir(), 'lape-spec-'));
  try {
    writeFileSync(join(dir, 'en.txt'), 'Some text.\n');
    utimesSync(join(dir, 'en.txt'), 1_700_000_000, 1_700_000_000);
    const before = describeCorpus(await createCorpusSpec({ folder: dir }));
    assert.match(before.label, /^en: en\.txt \(11 B\)$/);
    assert.equal(describeCorpus(await createCorpusSpec({ folder: dir })).hash, before.hash);
    writeFileSync(join(dir, 'en.txt'), 'Some more text.\n');
    assert.notEqual(describeCorpus(await createCorpusSpec({ folder: dir })).hash, before.hash);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the text hash tells whether two builds used the same text', async () => {
  const spec = await createCorpusSpec({ languages: ['fr'] });
  const opts = { tokenize: bytes, seqLen: 64, detectBudget: 5000, evalBudget: 500 };
  const a = await buildSequences(openCorpus(spec.entries[0]), opts);
  const b = await buildSequences(openCorpus(spec.entries[0]), { ...opts, tokenize: (t: string) => bytes(t).map((x) => x + 1) });
  assert.equal(a.textHash, b.textHash);
  const c = await buildSequences(openCorpus(spec.entries[0]), { ...opts, detectBudget: 9000 });
  assert.notEqual(c.textHash, a.textHash);
});
