import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorpusPairs, readCorpusFile, scanCorpusFolder, type CorpusFile } from '../../src/corpus/userCorpus.ts';
import { CorpusError, type CorpusErrorCode } from '../../src/corpus/errors.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/corpus/folder', import.meta.url));

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const doc of source) out.push(doc);
  return out;
}

function withTemp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lape-corpus-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function corpusError(code: CorpusErrorCode, ...parts: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CorpusError, String(error));
    assert.equal(error.code, code, error.message);
    for (const part of parts) assert.match(error.message, part);
    return true;
  };
}

test('a folder gives one file per language, paper order first, other extensions ignored', async () => {
  const files = await scanCorpusFolder(FIXTURES);
  assert.deepEqual(files.map((f) => [f.language.code, f.format]), [['en', 'txt'], ['zh', 'txt'], ['fr', 'jsonl']]);
  assert.ok(files.every((f) => f.size > 0 && f.path.startsWith(FIXTURES)));
});

test('txt documents are paragraphs; jsonl documents are text fields', async () => {
  const [en, zh, fr] = await scanCorpusFolder(FIXTURES);
  assert.deepEqual(await collect(readCorpusFile(en)), ['The cat sat on the mat.\nIt was a sunny day.', 'A second paragraph, about dogs.', 'Third paragraph: the end.']);
  assert.deepEqual(await collect(readCorpusFile(zh)), ['今天天气很好。', '我们去公园散步。']);
  assert.deepEqual(await collect(readCorpusFile(fr)), ['Le chat est sur le tapis.', "Il fait beau aujourd'hui.", 'Troisième document.']);
});

test('CRLF, a byte-order mark and multi-byte characters split across chunks are handled', async () => {
  const para = 'é漢字🙂 '.repeat(20000);
  const dir = withTemp({ 'a.txt': `\ufeffline one\r\nline two\r\n\r\n${para}\r\n` });
  try {
    const docs = await collect(readCorpusFile(join(dir, 'a.txt'), { maxDocChars: 1000 }));
    assert.equal(docs[0], 'line one\nline two');
    assert.ok(docs.slice(1).every((d) => d.length <= 1000 && !d.includes('\ufffd')));
    assert.equal(docs.slice(1).join(' '), para.trim());
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('lang=path pairs keep their order and resolve relative paths', async () => {
  const files = await parseCorpusPairs(['fra=fr.jsonl', 'en = en.txt'], { cwd: FIXTURES });
  assert.deepEqual(files.map((f: CorpusFile) => [f.language.code, f.path]), [['fr', join(FIXTURES, 'fr.jsonl')], ['en', join(FIXTURES, 'en.txt')]]);
});

test('pair errors: bad syntax, unknown language, missing file, folder, duplicates', async () => {
  await assert.rejects(parseCorpusPairs(['en.txt']), corpusError('bad-pair', /'en\.txt'/, /en=corpus\/en\.txt/));
  await assert.rejects(parseCorpusPairs(['xq=en.txt'], { cwd: FIXTURES }), corpusError('unknown-language', /'xq'/));
  await assert.rejects(parseCorpusPairs(['de=nope.txt'], { cwd: FIXTURES }), corpusError('missing-file', /nope\.txt/, /'de'/));
  await assert.rejects(parseCorpusPairs([`en=${FIXTURES}`]), corpusError('not-a-file', /is a folder/));
  await assert.rejects(parseCorpusPairs(['en=en.txt', 'eng=zh.txt'], { cwd: FIXTURES }), corpusError('duplicate-language', /en\.txt/, /zh\.txt/));
});

test('folder errors: missing, not a folder, no corpus files, unknown code, duplicates', async () => {
  await assert.rejects(scanCorpusFolder(join(FIXTURES, 'absent')), corpusError('missing-folder', /absent/));
  await assert.rejects(scanCorpusFolder(join(FIXTURES, 'en.txt')), corpusError('not-a-folder', /en\.txt/));
  const dirs = [
    withTemp({ 'notes.md': 'x', 'sub/en.txt': 'x' }),
    withTemp({ 'en.txt': 'x', 'englsh.txt': 'x' }),
    withTemp({ 'en.txt': 'x', 'eng.jsonl': '{"text":"x"}' }),
  ];
  try {
    await assert.rejects(scanCorpusFolder(dirs[0]), corpusError('no-corpus-files', /<lang>\.txt/));
    await assert.rejects(scanCorpusFolder(dirs[1]), corpusError('unknown-language', /englsh\.txt/, /Did you mean en\b/));
    await assert.rejects(scanCorpusFolder(dirs[2]), corpusError('duplicate-language', /en\.txt/, /eng\.jsonl/));
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true });
  }
});

test('empty files and bad jsonl lines are errors that name the file and line', async () => {
  const dir = withTemp({
    'empty.txt': '',
    'blank.txt': '\n  \n\n',
    'blank.jsonl': '{"text": "  "}\n',
    'nojson.jsonl': '{"text": "ok"}\n{"text": broken}\n',
    'notext.jsonl': '{"text": "ok"}\n\n{"body": "x", "id": 1}\n',
    'number.jsonl': '{"text": 5}\n',
    'array.jsonl': '["text"]\n',
  });
  try {
    const read = (name: string) => collect(readCorpusFile(join(dir, name)));
    await assert.rejects(read('empty.txt'), corpusError('empty-file', /empty\.txt/, /no text/));
    await assert.rejects(read('blank.txt'), corpusError('empty-file', /blank\.txt/));
    await assert.rejects(read('blank.jsonl'), corpusError('empty-file', /"text"/));
    await assert.rejects(read('nojson.jsonl'), corpusError('bad-jsonl', /nojson\.jsonl:2: not valid JSON/));
    await assert.rejects(read('notext.jsonl'), (e: CorpusError) => corpusError('bad-jsonl', /notext\.jsonl:3: no "text" string \(found keys: body, id\)/)(e) && e.line === 3);
    await assert.rejects(read('number.jsonl'), corpusError('bad-jsonl', /:1: no "text" string/));
    await assert.rejects(read('array.jsonl'), corpusError('bad-jsonl', /found a list/));
    await assert.rejects(read('absent.txt'), corpusError('missing-file', /absent\.txt/));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('an aborted signal stops reading', async () => {
  const controller = new AbortController();
  const docs = readCorpusFile(join(FIXTURES, 'en.txt'), { signal: controller.signal });
  controller.abort();
  await assert.rejects(collect(docs), { name: 'AbortError' });
});
