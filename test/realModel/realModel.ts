// When the real-model tests run: always in CI (CI=true) or with LAPE_REAL_MODEL=1, fetching
// Gemma 3 270M and the handbook if needed, and failing with the fetch error when a source is
// unreachable; otherwise only when both are already in the cache, and skipped with the reason.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueModel } from '../../src/protocol/modelCatalogue.ts';
import { lapeCacheDir } from '../../src/pipeline/cacheDir.ts';

export const REAL_MODEL = 'gemma-3-270m';

export function realModelRequired(): boolean {
  return process.env.CI === 'true' || process.env.LAPE_REAL_MODEL === '1';
}

/** false when the tests should run, else why they are skipped. */
export function realModelSkip(): false | string {
  if (realModelRequired()) return false;
  const file = join(lapeCacheDir(), 'models', catalogueModel(REAL_MODEL)!.fileName);
  if (!existsSync(file)) return `${REAL_MODEL} is not in the cache (${file}); run \`lape fetch ${REAL_MODEL}\` or set LAPE_REAL_MODEL=1 to fetch it`;
  const book = join(lapeCacheDir(), 'corpora', 'debian-handbook');
  if (!existsSync(book) || readdirSync(book).filter((n) => !n.startsWith('.')).length === 0) {
    return `the handbook corpus is not in the cache (${book}); run \`lape detect --corpus handbook ...\` once or set LAPE_REAL_MODEL=1 to fetch it`;
  }
  return false;
}
