// Shared set-up of the engine tests: tiny synthetic models written once per test file into a
// per-run temp folder, one engine per process, and the comparisons the tests keep making.
// Models are kept tiny (2 layers, n_embd 64, n_ff 128) and contexts use one thread, because
// the test machine has two cores shared with other work.
import { after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { LlamaEngine, type ContextOptions, type EngineModel } from '../../src/engine/index.ts';
import { byteTokenize, byteVocab } from '../../src/gguf/byteVocab.ts';
import { GgufWriter } from '../../src/gguf/ggufWriter.ts';
import { setSpmVocab } from '../../src/gguf/spmVocab.ts';
import { writeSyntheticModel, type FfnDownColumns } from '../../src/gguf/syntheticModel.ts';
import { setArchMetadata, type SyntheticArch } from '../../src/gguf/syntheticArch.ts';
import type { SyntheticWeights } from '../../src/gguf/syntheticWeights.ts';

export interface TestModelOptions {
  arch: SyntheticArch;
  dtype?: 'f32' | 'f16';
  nLayer?: number;
  nEmbd?: number;
  nFf?: number;
  nHead?: number;
  nHeadKv?: number;
  seed?: number;
  /** The training context the file declares (256 by default); the pipeline caps contexts at it. */
  nCtx?: number;
  zeroFfnDownColumns?: FfnDownColumns[];
}

export interface TestModel {
  path: string;
  /** The weights exactly as written (F16-rounded where the file is F16). */
  weights: SyntheticWeights;
}

export const DEFAULT_SHAPE = { nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nHeadKv: 2, seed: 7, dtype: 'f32' } as const;

/**
 * gemma3 models also get a sliding window of 8 tokens, far shorter than SAMPLE_TEXT, and a global
 * layer every 2nd layer instead of every 6th, so that the 2- and 3-layer test models have both
 * kinds: layer 0 slides, layer 1 is global. (The reference forward's own test covers the default
 * period of 6 with a 7-layer model.)
 */
export const GEMMA3_SHAPE = { slidingWindow: 8, swaPeriod: 2 } as const;

/** Single-threaded; `exact` gives the F32 KV cache that ~1e-6 agreement with a reference needs. */
export const EXACT: ContextOptions = { threads: 1, exact: true, contextSize: 512 };

// Created on import, so that the clean-up below belongs to the whole file, not to one test.
const dir = await mkdtemp(join(tmpdir(), 'lape-engine-'));
const built = new Map<string, Promise<TestModel>>();
const loaded: EngineModel[] = [];
after(async () => {
  for (const m of loaded) m.dispose();
  await rm(dir, { recursive: true, force: true });
});

function keyOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** A model of random weights; the same options give the same file, built once per test file. */
export function testModel(options: TestModelOptions): Promise<TestModel> {
  const o = { ...DEFAULT_SHAPE, ...(options.arch === 'gemma3' ? GEMMA3_SHAPE : {}), ...options };
  const key = keyOf(o);
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      const path = join(dir, `${o.arch}-${o.dtype}-${key}.gguf`);
      return { path, weights: await writeSyntheticModel(path, o) };
    })();
    built.set(key, p);
  }
  return p;
}

/** Writes given weights (e.g. hand-edited ones) under a name; the name is the cache key. */
export function testModelFrom(name: string, weights: SyntheticWeights, extra: { dtype?: 'f32' | 'f16'; zeroFfnDownColumns?: FfnDownColumns[] } = {}): Promise<TestModel> {
  const key = `named:${name}:${keyOf(extra)}`;
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      const path = join(dir, `${name}-${keyOf(extra)}.gguf`);
      return { path, weights: await writeSyntheticModel(path, { weights, ...extra }) };
    })();
    built.set(key, p);
  }
  return p;
}

/** A path in this run's temp folder, for files a test writes itself. */
export function tempPath(name: string): string {
  return join(dir, name);
}

/**
 * A GGUF of the given weights with another architecture name, an extra tensor, a missing one, or
 * uint32 metadata overridden (`uint32`, keys without the architecture prefix, e.g. `block_count`).
 */
export async function writeVariantModel(name: string, w: SyntheticWeights, change: { architecture?: string; extra?: string; drop?: string; uint32?: Record<string, number> }): Promise<string> {
  const writer = new GgufWriter();
  setArchMetadata(writer, w.hparams, 'f32', 'variant');
  if (change.architecture) writer.setString('general.architecture', change.architecture);
  for (const [key, value] of Object.entries(change.uint32 ?? {})) writer.setUint32(`${w.hparams.arch}.${key}`, value);
  setSpmVocab(writer, w.vocab);
  for (const t of w.tensors.values()) if (t.name !== change.drop) writer.addTensor({ name: t.name, shape: t.shape, type: 'f32', data: t.data });
  if (change.extra) writer.addTensor({ name: change.extra, shape: [w.hparams.nEmbd, 4], type: 'f32', data: new Float32Array(w.hparams.nEmbd * 4) });
  const path = tempPath(name);
  await writer.write(path);
  return path;
}

let engine: Promise<LlamaEngine> | undefined;

/** One engine per test process: llama.cpp's libraries load once per process anyway. */
export function testEngine(): Promise<LlamaEngine> {
  engine ??= LlamaEngine.create();
  return engine;
}

/** Loads a model (again for every call) and disposes it when the test file ends. */
export async function loadTestModel(path: string): Promise<EngineModel> {
  const model = await (await testEngine()).loadModel(path);
  loaded.push(model);
  return model;
}

const vocab = byteVocab();

/** BOS plus the byte tokens of `text`, as llama.cpp tokenizes it with the byte vocabulary. */
export function tokensOf(text: string): number[] {
  return [vocab.bosId, ...byteTokenize(vocab, text)];
}

/** Several scripts, so that the byte tokens cover much of the vocabulary. */
export const SAMPLE_TEXT = 'All human beings are born free. Tous les êtres humains naissent libres. 人人生而自由。 Mọi người sinh ra đều được tự do.';

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** The reference's per-position logits, flattened as the engine returns them. */
export function flatten(rows: readonly Float32Array[]): Float32Array {
  const n = rows.reduce((s, r) => s + r.length, 0);
  const out = new Float32Array(n);
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

/** The LAPE count from pre-activations: per neuron, the tokens whose pre-activation is > 0. */
export function countsFromPre(gatePre: readonly (readonly Float32Array[])[], nFf: number): Float64Array {
  const out = new Float64Array(gatePre.length * nFf);
  gatePre.forEach((layer, l) => {
    for (const row of layer) for (let j = 0; j < nFf; j++) if (row[j] > 0) out[l * nFf + j]++;
  });
  return out;
}

/** Per neuron, the sum of act_fn(pre) over tokens, in float64. */
export function sumsFromPre(gatePre: readonly (readonly Float32Array[])[], nFf: number, act: (x: number) => number): Float64Array {
  const out = new Float64Array(gatePre.length * nFf);
  gatePre.forEach((layer, l) => {
    for (const row of layer) for (let j = 0; j < nFf; j++) out[l * nFf + j] += act(row[j]);
  });
  return out;
}

/** Copies weights so that a test can edit some tensors without touching the cached ones. */
export function cloneWeights(w: SyntheticWeights): SyntheticWeights {
  const tensors = new Map([...w.tensors].map(([k, t]) => [k, { ...t, data: t.data.slice() }]));
  return { hparams: { ...w.hparams }, vocab: w.vocab, tensors };
}
