// The handbook reader on a small tree laid out as the Debian package lays it out, so what is
// kept (running text) and what is dropped (code, untranslated English) is checked exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSequences, createCorpusSpec, describeCorpus, handbookDocuments, handbookParagraphs, openCorpus, resolveLanguage } from '../../src/corpus/index.ts';
import { HANDBOOK_HTML_DIR } from '../../src/corpus/handbookCorpus.ts';

const para = (text: string) => `<div class="para">\n\t\t\t${text}\n\t\t</div>`;
const page = (...body: string[]) => `<?xml version="1.0"?><html><head><title>T</title></head><body><ul class="docnav"><li>Précédent</li></ul>${body.join('')}</body></html>`;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'lape-handbook-'));
  const chapters: Record<string, Record<string, string>> = {
    'en-US': {
      'a.html': page(para('Debian is a free operating system.'), '<pre class="screen">$ apt install foo</pre>', para('It is made by <em>volunteers</em>.')),
      'b.html': page(para('The second chapter.')),
      'c.html': page(para('A third chapter.')),
      'd.html': page(para('The last chapter.')),
    },
    'fr-FR': {
      'a.html': page(para('Debian est un système d&#39;exploitation libre.'), '<pre class="screen">$ apt install foo</pre>', para('It is made by <em>volunteers</em>.')),
      'b.html': page(para('The second chapter.')),
      'c.html': page(para('Un troisième chapitre.')),
      'd.html': page(para('Le dernier chapitre.')),
    },
  };
  for (const [locale, files] of Object.entries(chapters)) {
    const dir = join(root, HANDBOOK_HTML_DIR, locale);
    mkdirSync(dir, { recursive: true });
    for (const [name, html] of Object.entries(files)) writeFileSync(join(dir, name), html);
  }
  return root;
}

async function docs(root: string, code: string): Promise<string[]> {
  const out: string[] = [];
  for await (const d of handbookDocuments(resolveLanguage(code), { root })) out.push(d);
  return out;
}

test('paragraphs keep running text with inline markup and entities resolved, and drop code blocks and navigation', () => {
  const html = page(para('Use <code class="command">apt</code> &amp; <span>dpkg</span>.'), '<pre class="programlisting">int main() {}</pre>', para('  '));
  assert.deepEqual(handbookParagraphs(html), ['Use apt & dpkg.']);
});

test('one document per chapter in file order; paragraphs left in English in a translation are dropped, empty chapters keep their place', async () => {
  const root = tree();
  assert.deepEqual(await docs(root, 'en'), ['Debian is a free operating system.\nIt is made by volunteers.', 'The second chapter.', 'A third chapter.', 'The last chapter.']);
  // b.html is untranslated: an empty document, so chapter c stays document 2 in every language.
  assert.deepEqual(await docs(root, 'fr'), ["Debian est un système d'exploitation libre.", '', 'Un troisième chapitre.', 'Le dernier chapitre.']);
});

test('the split holds out whole chapters, the same ones in every language; empty chapters add no tokens', async () => {
  const root = tree();
  const spec = await createCorpusSpec({ languages: ['en', 'fr'], handbook: { root, version: '11.test' } });
  const tokenize = (t: string) => Array.from(t, (c) => c.codePointAt(0)!);
  // evalFraction 0.5 holds out documents 0 and 2 (the round rule) and keeps 1 and 3 for detection.
  const sides = async (i: number) => buildSequences(openCorpus(spec.entries[i]), { tokenize, seqLen: 512, detectBudget: 10_000, evalBudget: 10_000, evalFraction: 0.5 });
  const text = (seqs: Int32Array[]) => seqs.map((s) => String.fromCodePoint(...s)).join('');
  const en = await sides(0);
  const fr = await sides(1);
  assert.equal(en.documents.read, 4);
  assert.equal(fr.documents.read, 4);
  assert.deepEqual([en.documents.detect, en.documents.evaluation], [2, 2]);
  assert.deepEqual([fr.documents.detect, fr.documents.evaluation], [1, 2], 'the empty chapter is read but packs nothing');
  assert.ok(text(en.evaluation).includes('third') && text(en.detect).includes('last'), 'English holds out the same chapters');
  assert.ok(text(fr.evaluation).includes('troisième') && !text(fr.detect).includes('troisième'), 'chapter 2 is held out whole');
  assert.ok(text(fr.detect).includes('dernier') && !text(fr.evaluation).includes('dernier'), 'chapter 3 is detection text');
  assert.ok(!text(fr.detect).includes('second') && !text(fr.evaluation).includes('second'), 'the untranslated chapter contributes nothing');
  // The corpus identity names the book's version and locale, not where the cache is.
  const id = describeCorpus(spec);
  assert.match(id.key, /fr=debian-handbook:fr-FR@11\.test/);
  assert.doesNotMatch(id.key, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('a language the handbook does not have is a clear error naming the alternatives', async () => {
  await assert.rejects(createCorpusSpec({ languages: ['en', 'sw'], handbook: { root: tree(), version: '1' } }), /no translation for 'sw'.*--corpus udhr/);
});
