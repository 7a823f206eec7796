import { udhrDocuments } from './udhrCorpus.ts';
import { resolveLanguage } from './languages.ts';

/**
 * A character n-gram language identifier (n = 1..3, cosine similarity of frequency
 * profiles), trained on the bundled UDHR texts of the languages asked for. Small and
 * deterministic, and it knows exactly the languages a steering experiment is about;
 * scripts alone separate zh/ja from the Latin-script languages, trigrams the rest.
 */
export class LanguageIdentifier {
  private constructor(private readonly profiles: Map<string, Map<string, number>>) {}

  static fromTexts(texts: Record<string, string>): LanguageIdentifier {
    const profiles = new Map<string, Map<string, number>>();
    for (const [lang, text] of Object.entries(texts)) profiles.set(lang, normalise(ngrams(text)));
    return new LanguageIdentifier(profiles);
  }

  /** Profiles from the UDHR declarations of `languages` (codes as the corpus module takes them). */
  static async fromUdhr(languages: readonly string[]): Promise<LanguageIdentifier> {
    const texts: Record<string, string> = {};
    for (const code of languages) {
      const lang = resolveLanguage(code);
      const docs: string[] = [];
      for await (const d of udhrDocuments(lang)) docs.push(d);
      texts[lang.code] = docs.join('\n');
    }
    return LanguageIdentifier.fromTexts(texts);
  }

  get languages(): string[] {
    return [...this.profiles.keys()];
  }

  /** Similarity to every language, best first; empty text gives no ranking. */
  scores(text: string): { lang: string; score: number }[] {
    const p = normalise(ngrams(text));
    if (p.size === 0) return [];
    return [...this.profiles].map(([lang, q]) => {
      let dot = 0;
      for (const [g, v] of p) dot += v * (q.get(g) ?? 0);
      return { lang, score: dot };
    }).sort((a, b) => b.score - a.score);
  }

  /** The most similar language, or undefined for text with no letters. */
  identify(text: string): string | undefined {
    return this.scores(text)[0]?.lang;
  }
}

function ngrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  // Letters only, lower-cased; spaces mark word boundaries for the Latin-script languages.
  const clean = ` ${text.toLowerCase().replace(/[^\p{L}\p{M}]+/gu, ' ').trim()} `;
  const chars = [...clean];
  if (chars.length <= 2) return counts;
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join('');
      if (g.trim() === '') continue;
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

function normalise(counts: Map<string, number>): Map<string, number> {
  let norm = 0;
  for (const v of counts.values()) norm += v * v;
  norm = Math.sqrt(norm);
  const out = new Map<string, number>();
  if (norm === 0) return out;
  for (const [g, v] of counts) out.set(g, v / norm);
  return out;
}
