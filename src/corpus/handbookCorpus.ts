import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorpusError } from './errors.ts';
import { htmlToText } from './htmlToText.ts';
import type { Language } from './languages.ts';

/**
 * The Debian Administrator's Handbook (Debian package `debian-handbook`, GPL-2+ or
 * CC-BY-SA-3.0): one book translated into many languages, as one HTML file per chapter or
 * section under usr/share/doc/debian-handbook/html/<locale>/. fetchHandbook.ts puts it in the
 * cache; this file only reads an unpacked copy.
 */

/** The package's locale folder for each language code it has. */
export const HANDBOOK_LOCALES: Readonly<Record<string, string>> = Object.freeze({
  en: 'en-US', zh: 'zh-CN', 'zh-hant': 'zh-TW', fr: 'fr-FR', es: 'es-ES', vi: 'vi-VN', id: 'id-ID', ja: 'ja-JP',
  ar: 'ar-MA', ca: 'ca-ES', cs: 'cs-CZ', da: 'da-DK', de: 'de-DE', el: 'el-GR', fa: 'fa-IR', hr: 'hr-HR', it: 'it-IT',
  ko: 'ko-KR', nb: 'nb-NO', nl: 'nl-NL', pl: 'pl-PL', pt: 'pt-BR', ro: 'ro-RO', ru: 'ru-RU', sv: 'sv-SE', tr: 'tr-TR',
});

/** Where the HTML lives inside the unpacked package. */
export const HANDBOOK_HTML_DIR = join('usr', 'share', 'doc', 'debian-handbook', 'html');

// Paragraphs are <div class="para">; code listings and screens are <pre>, dropped whole.
const PARA = /<div class="para">([\s\S]*?)<\/div>/g;
const PRE = /<pre\b[\s\S]*?<\/pre>/gi;

export function handbookLocale(language: Pick<Language, 'code'>): string | undefined {
  return HANDBOOK_LOCALES[language.code.toLowerCase()];
}

/** The running-text paragraphs of one chapter file, whitespace collapsed, code removed. */
export function handbookParagraphs(html: string): string[] {
  const out: string[] = [];
  for (const match of html.replace(PRE, ' ').matchAll(PARA)) {
    const text = htmlToText(`<p>${match[1]}</p>`).replace(/\s+/g, ' ').trim();
    if (text.length > 0) out.push(text);
  }
  return out;
}

export interface HandbookOptions {
  /** The unpacked package's root (the folder holding usr/). */
  root: string;
  signal?: AbortSignal;
}

async function chapterFiles(dir: string, language: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.html')).sort();
  } catch (error) {
    throw new CorpusError('missing-folder', `The handbook has no folder ${dir} for '${language}'. Fetch it again (lape fetch handbook), or use another corpus.`, { language, path: dir }, { cause: error });
  }
}

/**
 * One document per chapter file, in file-name order (the same order for every language), so
 * buildSequences' document split holds out whole chapters and the same chapters in every
 * language. Translations fall back to English for strings not yet translated: paragraphs
 * identical to the English chapter's are dropped, so each language's text is its own.
 */
export async function* handbookDocuments(language: Language, options: HandbookOptions): AsyncGenerator<string> {
  const locale = handbookLocale(language);
  if (locale === undefined) {
    throw new CorpusError('missing-file', `The Debian handbook has no translation for '${language.code}' (${language.name}). It has ${Object.keys(HANDBOOK_LOCALES).join(', ')}. Use the UDHR corpus or your own files for this language.`, { language: language.code });
  }
  const html = join(options.root, HANDBOOK_HTML_DIR);
  const dir = join(html, locale);
  const english = join(html, HANDBOOK_LOCALES.en);
  for (const name of await chapterFiles(dir, language.code)) {
    options.signal?.throwIfAborted();
    // NFC, as for UDHR: the text the model sees in the wild is composed.
    let paragraphs = handbookParagraphs((await readFile(join(dir, name), 'utf8')).normalize('NFC'));
    if (locale !== HANDBOOK_LOCALES.en) {
      const original = new Set(handbookParagraphs(await readFile(join(english, name), 'utf8').catch(() => '')));
      paragraphs = paragraphs.filter((p) => !original.has(p));
    }
    // An empty chapter still counts as a document, so the split index stays aligned across languages.
    yield paragraphs.join('\n');
  }
}
