import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where fetched models and corpora live, and the engine's GPU self-test verdicts:
 * `$LAPE_CACHE_DIR`, else `~/.cache/lape`. Outside the workspace and the repository, so
 * weights are never committed by accident.
 */
export function lapeCacheDir(): string {
  const fromEnv = process.env.LAPE_CACHE_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(homedir(), '.cache', 'lape');
}
