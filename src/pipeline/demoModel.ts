import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueModel, isBuiltinModel } from '../protocol/modelCatalogue.ts';
import { fetchModel, unknownModelError, type FetchModelOptions } from './models/fetchModel.ts';

export const DEMO_MODEL_FILE = 'lape-demo.gguf';

/**
 * The committed built-in model lives in `models/demo/` at the package root. The code runs
 * from `src/pipeline` (tsx) or from `dist/` (bundled), so look upward for it.
 */
export function demoModelPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'models', 'demo', DEMO_MODEL_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return resolve('models', 'demo', DEMO_MODEL_FILE);
}

/** 'builtin' (or 'demo') means the built-in model; anything else is a path. Names of the catalogue need resolveModel. */
export function resolveModelPath(model: string): string {
  return isBuiltinModel(model) ? demoModelPath() : resolve(model);
}

/**
 * A model as users name it: 'builtin', a catalogue name such as 'gemma-3-270m' (fetched
 * into the cache and verified), or the path of a GGUF file.
 */
export async function resolveModel(model: string, options: FetchModelOptions = {}): Promise<string> {
  if (isBuiltinModel(model)) return demoModelPath();
  if (catalogueModel(model) !== undefined && !existsSync(model)) return (await fetchModel(model, options)).path;
  const path = resolve(model);
  if (!existsSync(path) && !/[/\\]|\.gguf$/i.test(model)) throw unknownModelError(model);
  return path;
}
