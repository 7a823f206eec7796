import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResidualEdit, ResidualRecorder } from '../engine/index.ts';
import { RESIDUAL_MEANS_FILE, type ResidualMeansFile } from '../protocol/results.ts';
import type { DiffMeanSteering } from '../protocol/steering.ts';
import { PipelineError } from './PipelineError.ts';
import { writeJsonAtomic } from './resultsFolder.ts';

/** Per-language mean residual streams, decoded: `means[language]` is [layer][n_embd] flattened. */
export interface ResidualMeans {
  modelHeaderSha256: string;
  /** Absent in files written before it existed. */
  modelContentSha256?: string;
  languages: string[];
  nLayer: number;
  nEmbd: number;
  tokens: number[];
  means: Float32Array[];
}

export function residualMeansPath(dir: string): string {
  return join(dir, RESIDUAL_MEANS_FILE);
}

export function writeResidualMeans(path: string, m: ResidualMeans): void {
  const all = new Float32Array(m.languages.length * m.nLayer * m.nEmbd);
  m.means.forEach((v, i) => all.set(v, i * m.nLayer * m.nEmbd));
  const file: ResidualMeansFile = {
    version: 1,
    modelHeaderSha256: m.modelHeaderSha256,
    ...(m.modelContentSha256 === undefined ? {} : { modelContentSha256: m.modelContentSha256 }),
    languages: m.languages,
    nLayer: m.nLayer,
    nEmbd: m.nEmbd,
    tokens: m.tokens,
    means: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64'),
  };
  writeJsonAtomic(path, file);
}

export function readResidualMeans(dir: string, path = residualMeansPath(dir)): ResidualMeans {
  if (!existsSync(path)) {
    throw new PipelineError('no-results', `${path} is missing: DiffMean steering needs the residual means. Run \`lape detect --residual-means --out ${dir}\` with this folder's model and corpus (in VS Code: turn on languageNeurons.detection.residualMeans and detect again), or steer with the force-neurons method.`);
  }
  let f: ResidualMeansFile;
  try {
    f = JSON.parse(readFileSync(path, 'utf8')) as ResidualMeansFile;
  } catch (err) {
    throw new PipelineError('bad-results', `${path} is not valid JSON (${(err as Error).message}). Run detection again with --residual-means to rewrite it.`);
  }
  const per = f.nLayer * f.nEmbd;
  const bytes = Buffer.from(f.means ?? '', 'base64');
  if (f.version !== 1 || bytes.length !== f.languages.length * per * 4) {
    throw new PipelineError('bad-results', `${path} is damaged or of another version. Run detection again with --residual-means to rewrite it.`);
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const means = f.languages.map((_, i) => all.slice(i * per, (i + 1) * per));
  const content = typeof f.modelContentSha256 === 'string' ? { modelContentSha256: f.modelContentSha256 } : {};
  return { modelHeaderSha256: f.modelHeaderSha256, ...content, languages: f.languages, nLayer: f.nLayer, nEmbd: f.nEmbd, tokens: f.tokens, means };
}

/** The DiffMean direction of `target` after each block: its mean minus the mean over all languages (each weighs the same). */
export function diffMeanDirections(m: ResidualMeans, target: string): Float32Array {
  const ti = m.languages.indexOf(target);
  if (ti < 0) throw new PipelineError('bad-argument', `"${target}" has no residual means (languages: ${m.languages.join(', ')}).`);
  const n = m.nLayer * m.nEmbd;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    let avg = 0;
    for (const v of m.means) avg += v[k];
    out[k] = m.means[ti][k] - avg / m.means.length;
  }
  return out;
}

/**
 * The blocks a DiffMean steering edits: its range, else every block from 1. Block 0 is
 * refused, because llama.cpp's control vectors (and so the exported file) cannot reach it.
 */
export function diffMeanLayers(d: DiffMeanSteering, nLayer: number): number[] {
  const from = d.layers?.from ?? 1;
  const to = d.layers?.to ?? nLayer - 1;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to < nLayer && from <= to)) {
    throw new PipelineError('bad-argument', `DiffMean layers ${from}..${to} are not valid: use 1 <= from <= to <= ${nLayer - 1} (llama.cpp's control vectors never touch block 0).`);
  }
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** λ × direction added to the output of each chosen block: the engine's form of DiffMean steering. */
export function diffMeanResidualEdits(m: ResidualMeans, d: DiffMeanSteering): ResidualEdit[] {
  if (!Number.isFinite(d.strength)) throw new PipelineError('bad-argument', `DiffMean strength must be a finite number, got ${d.strength}.`);
  const dir = diffMeanDirections(m, d.language);
  return diffMeanLayers(d, m.nLayer).map((layer) => ({
    layer,
    vector: dir.subarray(layer * m.nEmbd, (layer + 1) * m.nEmbd).map((x) => x * d.strength),
  }));
}

/** Where detection keeps one language's residual means until all languages are done. */
export function residualPartialPath(outDir: string, partialDir: string, lang: string): string {
  return join(outDir, partialDir, `${lang}.residual.json`);
}

/** One language's means from a recorder that saw its detection tokens. */
export function residualMeansOf(rec: ResidualRecorder, lang: string, model: { headerSha256: string; contentSha256: string }): ResidualMeans {
  const means = new Float32Array(rec.nLayer * rec.nEmbd);
  for (let layer = 0; layer < rec.nLayer; layer++) means.set(rec.mean(layer), layer * rec.nEmbd);
  return { modelHeaderSha256: model.headerSha256, modelContentSha256: model.contentSha256, languages: [lang], nLayer: rec.nLayer, nEmbd: rec.nEmbd, tokens: [rec.tokensPerLayer[0]], means: [means] };
}

/** Reads the per-language partial files of `languages` and writes them as one residual-means.json. */
export function mergeResidualPartials(outDir: string, partialDir: string, languages: readonly string[]): void {
  const parts = languages.map((l) => readResidualMeans(outDir, residualPartialPath(outDir, partialDir, l)));
  const first = parts[0];
  writeResidualMeans(residualMeansPath(outDir), {
    ...first,
    languages: [...languages],
    tokens: parts.map((p) => p.tokens[0]),
    means: parts.map((p) => p.means[0]),
  });
}
