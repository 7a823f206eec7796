import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_MODEL_FILE = 'lape-demo.gguf';

/**
 * The committed demo model lives in `models/demo/` at the package root. The code runs
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

/** 'demo' means the built-in demo model; anything else is a path. */
export function resolveModelPath(model: string): string {
  return model === 'demo' ? demoModelPath() : resolve(model);
}
