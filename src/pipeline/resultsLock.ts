import { hostname } from 'node:os';
import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineError } from './PipelineError.ts';
import { ensureResultsDir } from './resultsFolder.ts';

/** The lock file inside a results folder; the CLI and the extension's analysis process share it. */
export const LOCK_FILE = '.lape.lock';

/** Who holds a results folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

/**
 * Takes the results folder `dir` for one writing command (detect, ppl, identify), so that two
 * runs into one folder cannot silently replace each other's files. `create` makes the folder
 * (detect); without it a missing folder is not locked. The lock file is created
 * with O_EXCL; a second run fails fast naming the folder and the holder's pid. A lock whose
 * process is gone (same host, pid not alive) is stale and taken over. Returns the release.
 */
export function lockResultsFolder(dir: string, command: string, options: { create: boolean }): () => void {
  // A command that reads an existing folder leaves a missing one to its own "no results" error.
  if (!options.create && !existsSync(dir)) return () => undefined;
  ensureResultsDir(dir);
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(path);
      if (holder && isAlive(holder)) throw busy(dir, holder);
      takeOverStale(path, holder);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Remove only our own lock: a stale-lock takeover elsewhere may have replaced it.
      const holder = readHolder(path);
      if (holder?.pid === me.pid && holder.startedAt === me.startedAt) rmSync(path, { force: true });
    };
  }
  throw new PipelineError('busy', `Could not lock ${dir}: its lock file ${path} keeps changing. Another run is starting there; wait for it, or choose another --out folder.`);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined; // gone, or half written by a process that died right after creating it
  }
}

function isAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true; // another machine's process cannot be checked: assume it runs
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

function busy(dir: string, h: LockHolder): PipelineError {
  const where = h.host === hostname() ? `pid ${h.pid}` : `pid ${h.pid} on ${h.host}`;
  return new PipelineError(
    'busy',
    `${dir} is in use by another run (${where}, "${h.command}", started ${h.startedAt}). Wait for it to finish, or give another --out folder. If that process is gone, delete ${join(dir, LOCK_FILE)}.`,
  );
}

/**
 * Moves a stale lock aside. The rename is atomic, so of two processes taking over the same
 * stale lock only one moves it; if what was moved turns out to be a fresh lock (created in
 * between by a third run), it is put back and the folder is reported busy.
 */
function takeOverStale(path: string, stale: LockHolder | undefined): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it: try again
    throw e;
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== stale?.pid || moved.startedAt !== stale?.startedAt) && isAlive(moved)) {
    try {
      linkSync(aside, path); // never over a lock created in the meantime
    } finally {
      rmSync(aside, { force: true });
    }
    throw busy(path.slice(0, -LOCK_FILE.length - 1), moved);
  }
  rmSync(aside, { force: true });
}
