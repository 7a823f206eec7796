import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dominantLanguage, identifyLanguage, languageShares } from '../../src/corpus/identifyLanguage.ts';
import { PAPER_LANGUAGES } from '../../src/protocol/paperLanguages.ts';

// franc's profiles are built from the UDHR, so UDHR paragraphs would test it on its own
// training text. These sentences were written for this test (the same content in each
// language), and the mvicuna questions come from the reference project.
const SENTENCES: Record<string, string> = {
  en: 'The library opens at nine in the morning, and the children usually arrive before their parents.',
  zh: '图书馆早上九点开门，孩子们通常比他们的父母先到。',
  fr: 'La bibliothèque ouvre à neuf heures du matin, et les enfants arrivent souvent avant leurs parents.',
  es: 'La biblioteca abre a las nueve de la mañana, y los niños suelen llegar antes que sus padres.',
  vi: 'Thư viện mở cửa lúc chín giờ sáng, và trẻ em thường đến trước cha mẹ của chúng.',
  id: 'Perpustakaan buka pukul sembilan pagi, dan anak-anak biasanya datang sebelum orang tua mereka.',
  ja: '図書館は朝九時に開きます。子どもたちはたいてい両親より先に来ます。',
};

const letters = (text: string): number => [...text].filter((ch) => /\p{L}/u.test(ch)).length;

test('names each paper language by the project\'s code (en, zh, id…), among all of franc\'s languages and among the seven', () => {
  assert.deepEqual(Object.keys(SENTENCES), [...PAPER_LANGUAGES]);
  for (const [code, text] of Object.entries(SENTENCES)) {
    assert.equal(identifyLanguage(text), code, `unrestricted: ${text}`);
    assert.equal(identifyLanguage(text, { among: PAPER_LANGUAGES }), code, `among the seven: ${text}`);
  }
});

const mvicuna = join(import.meta.dirname, '..', '..', '..', 'shared', 'reference', 'mvicuna');
test('identifies at least 90% of the mvicuna questions of each paper language', {
  skip: existsSync(mvicuna) ? false : `needs the reference project's questions in ${mvicuna} (../shared beside the clone)`,
}, () => {
  for (const code of PAPER_LANGUAGES) {
    const questions = readFileSync(join(mvicuna, `${code}.txt`), 'utf8').split('\n').filter((l) => l.trim().length > 20);
    assert.ok(questions.length >= 50, `${code}: ${questions.length} questions`);
    const right = questions.filter((q) => identifyLanguage(q, { among: PAPER_LANGUAGES }) === code).length;
    assert.ok(right / questions.length >= 0.9, `${code}: ${right}/${questions.length} identified`);
  }
});

test('languageShares splits mixed text by letters, line by line, and dominantLanguage takes the largest share', () => {
  const lines = [SENTENCES.fr, '', SENTENCES.en, '42 !! ...', SENTENCES.ja];
  const total = letters(SENTENCES.fr) + letters(SENTENCES.en) + letters(SENTENCES.ja);
  const shares = languageShares(lines.join('\n'), { among: PAPER_LANGUAGES });
  assert.deepEqual(Object.keys(shares).sort(), ['en', 'fr', 'ja']);
  assert.ok(Math.abs(shares.fr - letters(SENTENCES.fr) / total) < 1e-12, `fr ${shares.fr}`);
  assert.ok(Math.abs(shares.en - letters(SENTENCES.en) / total) < 1e-12, `en ${shares.en}`);
  assert.ok(Math.abs(shares.ja - letters(SENTENCES.ja) / total) < 1e-12, `ja ${shares.ja}`);
  const expected = Object.entries({ fr: SENTENCES.fr, en: SENTENCES.en, ja: SENTENCES.ja }).sort((a, b) => letters(b[1]) - letters(a[1]))[0][0];
  assert.equal(dominantLanguage(lines.join('\n'), { among: PAPER_LANGUAGES }), expected);
});

test('text without letters, or too short, has no language', () => {
  assert.equal(identifyLanguage('12345 !!! ...'), undefined);
  assert.equal(identifyLanguage('Hi'), undefined);
  assert.deepEqual(languageShares('123\n...\n'), {});
  assert.equal(dominantLanguage(''), undefined);
});
