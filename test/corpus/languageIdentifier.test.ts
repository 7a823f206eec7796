import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageIdentifier } from '../../src/corpus/index.ts';
import { sharedDir, sharedMissing } from '../lape/lapeTestSupport.ts';

const PAPER = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];
const mvicuna = join(sharedDir, 'reference', 'mvicuna');

test('identifies the paper languages on text it was not built from (the mvicuna prompts)', async (t) => {
  const why = sharedMissing('reference/mvicuna/en.txt');
  if (why) return t.skip(why);
  const id = await LanguageIdentifier.fromUdhr(PAPER);
  for (const lang of PAPER) {
    const prompts = readFileSync(join(mvicuna, `${lang}.txt`), 'utf8').split('\n').filter((l) => l.trim().length > 20).slice(0, 30);
    const right = prompts.filter((p) => id.identify(p) === lang).length;
    assert.ok(right / prompts.length >= 0.9, `${lang}: ${right}/${prompts.length} identified`);
  }
});

test('tells close languages apart and returns nothing for text without letters', async () => {
  const id = await LanguageIdentifier.fromUdhr(['es', 'fr', 'id', 'en']);
  assert.equal(id.identify('¿Dónde está la biblioteca? Quiero leer un libro.'), 'es');
  assert.equal(id.identify('Où est la bibliothèque ? Je voudrais lire un livre.'), 'fr');
  assert.equal(id.identify('Di mana perpustakaan? Saya ingin membaca buku.'), 'id');
  assert.equal(id.identify('12345 !!! ...'), undefined);
});
