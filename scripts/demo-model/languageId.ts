// A small language identifier for checking steering on the demo model: character trigram
// profiles of each language's UDHR training documents, scored by smoothed log-likelihood.
// Trigrams carry the script too (kana only in ja, Han in zh and ja, Vietnamese diacritics).
import type { LanguageText } from './demoCorpus.ts';

export class LanguageId {
  private readonly profiles: { lang: string; counts: Map<string, number>; total: number }[];
  private readonly vocabulary: number;

  constructor(corpus: readonly LanguageText[]) {
    const all = new Set<string>();
    this.profiles = corpus.map((c) => {
      const counts = new Map<string, number>();
      let total = 0;
      for (const doc of c.train) {
        for (const g of trigrams(doc)) {
          counts.set(g, (counts.get(g) ?? 0) + 1);
          all.add(g);
          total++;
        }
      }
      return { lang: c.lang, counts, total };
    });
    this.vocabulary = all.size + 1;
  }

  /** The most likely language of `text`, or undefined when it has no letters at all. */
  identify(text: string): string | undefined {
    const grams = trigrams(text).filter((g) => /\p{L}/u.test(g));
    if (grams.length === 0) return undefined;
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const p of this.profiles) {
      let score = 0;
      for (const g of grams) score += Math.log(((p.counts.get(g) ?? 0) + 0.1) / (p.total + 0.1 * this.vocabulary));
      if (score > bestScore) {
        bestScore = score;
        best = p.lang;
      }
    }
    return best;
  }

  /** Share of the letters of `text` in each language, identifying line by line. */
  shares(text: string): Record<string, number> {
    const letters: Record<string, number> = {};
    let total = 0;
    for (const line of text.split('\n')) {
      const n = [...line].filter((ch) => /\p{L}/u.test(ch)).length;
      const lang = n > 0 ? this.identify(line) : undefined;
      if (!lang) continue;
      letters[lang] = (letters[lang] ?? 0) + n;
      total += n;
    }
    return Object.fromEntries(Object.entries(letters).map(([l, n]) => [l, n / total]));
  }
}

function trigrams(text: string): string[] {
  const chars = [...` ${text.toLowerCase().replace(/\s+/g, ' ')} `];
  const out: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) out.push(chars[i] + chars[i + 1] + chars[i + 2]);
  return out;
}
