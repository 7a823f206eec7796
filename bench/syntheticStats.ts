import type { StatsFile } from '../src/lape/formats/statsFile.ts';

/** Random statistics of a given size, continuous so that ties cannot matter. */
export function syntheticStats(nLayer: number, nFf: number, langs: string[]): StatsFile {
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const tokens = 1_000_000;
  return {
    meta: { model: { fileName: 'synthetic-70b.gguf', sizeBytes: 1, headerSha256: 'bench' }, corpus: { name: 'synthetic', sha256: 'bench' }, tokenBudget: tokens, sequenceLength: 4096, shards: 1 },
    stats: {
      nLayer,
      nFf,
      languages: langs.map((lang) => {
        const overZero = new Float64Array(nLayer * nFf);
        const sumAct = new Float64Array(nLayer * nFf);
        for (let i = 0; i < overZero.length; i++) {
          overZero[i] = Math.floor(tokens * rand() ** 3);
          sumAct[i] = rand();
        }
        return { lang, tokens, overZero, sumAct };
      }),
    },
  };
}
