import { francAll } from 'franc';
import { findLanguage, resolveLanguage } from './languages.ts';

/**
 * The project's one language identifier: franc (trigram profiles of about 400 languages, from
 * the UDHR itself, maintained outside this project), mapped to our language codes. Every
 * steering figure, acceptance test and corpus check uses it, so their numbers agree.
 */

export interface IdentifyOptions {
  /** Only these languages (our codes) are candidates. Without it, every language franc knows. */
  among?: readonly string[];
  /** Below this many characters the answer is undefined; franc's own default is 10. */
  minLength?: number;
}

// franc tells Malay (zlm) from Indonesian (ind) by a few trigrams; a text in either is one
// language for a corpus check. Same for Mandarin scripts.
const SAME_AS: Readonly<Record<string, string>> = { zlm: 'ind', zsm: 'ind' };

function iso(code: string): string {
  return resolveLanguage(code).iso6393;
}

/** Our code for a franc (ISO 639-3) answer, or the ISO code itself when we have no such language. */
function ours(iso6393: string): string {
  const code = SAME_AS[iso6393] ?? iso6393;
  return findLanguage(code)?.code ?? code;
}

/** The most likely language of `text` (our code), or undefined when it is too short or has no letters. */
export function identifyLanguage(text: string, options: IdentifyOptions = {}): string | undefined {
  const only = options.among?.map(iso);
  const ranked = francAll(text, { only, minLength: options.minLength ?? 10 });
  const top = ranked[0];
  if (top === undefined || top[0] === 'und') return undefined;
  return ours(top[0]);
}

/**
 * Share of the letters of `text` in each language, identifying it line by line, so mixed
 * output ("Bonjour. Hello there.") counts for both. Lines without letters are skipped.
 */
export function languageShares(text: string, options: IdentifyOptions = {}): Record<string, number> {
  const letters: Record<string, number> = {};
  let total = 0;
  for (const line of text.split('\n')) {
    const n = line.match(/\p{L}/gu)?.length ?? 0;
    if (n === 0) continue;
    const lang = identifyLanguage(line, { ...options, minLength: options.minLength ?? 1 });
    if (lang === undefined) continue;
    letters[lang] = (letters[lang] ?? 0) + n;
    total += n;
  }
  return Object.fromEntries(Object.entries(letters).map(([l, n]) => [l, n / total]));
}

/** The language with the largest share of `text`'s letters, or undefined. */
export function dominantLanguage(text: string, options: IdentifyOptions = {}): string | undefined {
  let best: string | undefined;
  let share = 0;
  for (const [lang, s] of Object.entries(languageShares(text, options))) {
    if (s > share) [best, share] = [lang, s];
  }
  return best;
}
