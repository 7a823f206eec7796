import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAPER_LANGUAGES, findLanguage, listLanguages, resolveLanguage } from '../../src/corpus/languages.ts';
import { CorpusError } from '../../src/corpus/errors.ts';
import { PAPER_LANGUAGES as CONTRACT_PAPER_LANGUAGES } from '../../src/protocol/paperLanguages.ts';
import { readFileSync } from 'node:fs';

const PAPER_UDHR: Record<string, string> = { en: 'eng', zh: 'cmn_hans', fr: 'fra', es: 'spa', vi: 'vie', id: 'ind', ja: 'jpn' };

test('the paper languages are the default list, in the reference order', () => {
  assert.deepEqual([...PAPER_LANGUAGES], ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']);
  assert.ok(Object.isFrozen(PAPER_LANGUAGES));
});

test('the list is defined once: the corpus names the contract\'s list, and the manifest\'s default setting equals it', () => {
  assert.equal(PAPER_LANGUAGES, CONTRACT_PAPER_LANGUAGES);
  // package.json cannot import code, so its default is checked against the one list here.
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(manifest.contributes.configuration.properties['languageNeurons.detection.languages'].default, [...PAPER_LANGUAGES]);
});

test('each paper language resolves to its short code and UDHR declaration', () => {
  for (const code of PAPER_LANGUAGES) {
    const language = resolveLanguage(code);
    assert.equal(language.code, code);
    assert.equal(language.udhr, PAPER_UDHR[code]);
    assert.ok(language.name.length > 0);
  }
  assert.equal(resolveLanguage('zh').name, 'Chinese');
  assert.equal(resolveLanguage('ja').name, 'Japanese');
});

test('ISO 639-3 codes resolve to the same languages', () => {
  const iso: Record<string, string> = { eng: 'en', cmn: 'zh', fra: 'fr', spa: 'es', vie: 'vi', ind: 'id', jpn: 'ja', deu: 'de', rus: 'ru', kor: 'ko', hin: 'hi', ita: 'it' };
  for (const [given, code] of Object.entries(iso)) assert.equal(resolveLanguage(given).code, code, given);
});

test('BCP-47 variants: scripts, regions, case and underscores', () => {
  const cases: Record<string, [string, string]> = {
    'zh-Hans': ['zh', 'cmn_hans'],
    'zh-Hans-CN': ['zh', 'cmn_hans'],
    'zh-CN': ['zh', 'cmn_hans'],
    'zh-Hant': ['zh-Hant', 'cmn_hant'],
    'zh-TW': ['zh-Hant', 'cmn_hant'],
    'en-US': ['en', 'eng'],
    en_GB: ['en', 'eng'],
    EN: ['en', 'eng'],
    de: ['de', 'deu_1996'],
    ru: ['ru', 'rus'],
    ar: ['ar', 'arb'],
    ko: ['ko', 'kor'],
    hi: ['hi', 'hin'],
    pt: ['pt', 'por_PT'],
    'pt-BR': ['pt-BR', 'por_BR'],
    it: ['it', 'ita'],
    zho: ['zh', 'cmn_hans'],
  };
  for (const [given, [code, udhr]] of Object.entries(cases)) {
    const language = resolveLanguage(given);
    assert.deepEqual([language.code, language.udhr], [code, udhr], given);
  }
});

test('udhr declaration codes resolve too, and a variant keeps its own code', () => {
  assert.equal(resolveLanguage('cmn_hans').code, 'zh');
  assert.equal(resolveLanguage('jpn_osaka').code, 'jpn_osaka');
  assert.equal(resolveLanguage('jpn_osaka').udhr, 'jpn_osaka');
});

test('every declaration has a distinct canonical code that resolves back to it', () => {
  const all = listLanguages();
  assert.ok(all.length > 500);
  assert.equal(new Set(all.map((l) => l.code)).size, all.length);
  for (const language of all) assert.equal(resolveLanguage(language.code).udhr, language.udhr, language.code);
});

test('an unknown code is a typed error that names it and suggests close matches', () => {
  assert.equal(findLanguage('englsh'), undefined);
  assert.throws(() => resolveLanguage('englsh'), (error: unknown) => {
    assert.ok(error instanceof CorpusError);
    assert.equal(error.code, 'unknown-language');
    assert.equal(error.language, 'englsh');
    assert.match(error.message, /'englsh'/);
    assert.ok(error.suggestions?.includes('en'), String(error.suggestions));
    assert.match(error.message, /'en' \(English\)/);
    return true;
  });
  assert.throws(() => resolveLanguage('French'), (error: CorpusError) => error.suggestions?.[0] === 'fr');
  assert.throws(() => resolveLanguage('qqqq-zz'), (error: CorpusError) => error.code === 'unknown-language' && /BCP-47/.test(error.message));
  assert.throws(() => resolveLanguage(''), CorpusError);
});
