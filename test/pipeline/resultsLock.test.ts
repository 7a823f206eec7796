// The results-folder lock (issue 14, B6): two `lape detect` runs into one --out used to both
// say "Results in X" while one silently replaced the other's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { LOCK_FILE, lockResultsFolder } from '../../src/pipeline/resultsLock.ts';
import { PipelineError } from '../../src/pipeline/PipelineError.ts';
import { runCli } from '../cli/runCli.ts';

const isPipelineError = (code: string, ...parts: RegExp[]) => (e: unknown) => {
  assert.ok(e instanceof PipelineError, String(e));
  assert.equal(e.code, code, e.message);
  for (const p of parts) assert.match(e.message, p);
  return true;
};

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

test('a second lock on the same folder fails naming the folder and the holder; release frees it', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lape-lock-')), 'out');
  const release = lockResultsFolder(dir, 'detect', { create: true });
  assert.ok(existsSync(join(dir, LOCK_FILE)));
  assert.throws(() => lockResultsFolder(dir, 'ppl', { create: true }), isPipelineError('busy', new RegExp(`${dir} is in use by another run \\(pid ${process.pid}, "detect"`), /another --out folder/));
  release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
  lockResultsFolder(dir, 'detect', { create: true })();
});

test('a stale lock (dead pid, or half-written) is taken over; another host\'s lock is respected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-lock-stale-'));
  const lock = join(dir, LOCK_FILE);
  writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), command: 'detect', startedAt: '2026-01-01T00:00:00Z' }));
  const release = lockResultsFolder(dir, 'detect', { create: true });
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid);
  release();
  writeFileSync(lock, '{"pid": 12');
  lockResultsFolder(dir, 'detect', { create: true })();
  writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: 'some-other-machine', command: 'detect', startedAt: '2026-01-01T00:00:00Z' }));
  assert.throws(() => lockResultsFolder(dir, 'detect', { create: true }), isPipelineError('busy', /on some-other-machine/, new RegExp(`delete ${lock}`)));
});

test('--out naming a file, or a path under a file, is a clear error instead of ENOTDIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lape-lock-file-'));
  const file = join(dir, 'results.txt');
  writeFileSync(file, 'x');
  assert.throws(() => lockResultsFolder(file, 'detect', { create: true }), isPipelineError('bad-argument', /results\.txt is a file, not a folder/));
  assert.throws(() => lockResultsFolder(join(file, 'sub'), 'detect', { create: true }), isPipelineError('bad-argument', /part of its path is a file/));
  // A reading command on a missing folder neither creates nor locks it.
  lockResultsFolder(join(dir, 'missing'), 'identify', { create: false })();
  assert.ok(!existsSync(join(dir, 'missing')));
});

test('lape detect into a folder another process holds fails fast, naming the folder and the pid', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lape-lock-cli-')), 'run');
  // The holder takes the lock as a detect run does, then waits until its stdin closes.
  const lockModule = pathToFileURL(join(import.meta.dirname, '../../src/pipeline/resultsLock.ts')).href;
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
const { lockResultsFolder } = await import(${JSON.stringify(lockModule)});
const release = lockResultsFolder(${JSON.stringify(out)}, 'detect', { create: true });
process.stdout.write('locked\\n');
process.stdin.resume();
process.stdin.on('end', () => { release(); process.exit(0); });
`], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const [first] = (await once(holder.stdout!, 'data')) as [Buffer];
    assert.equal(first.toString().trim(), 'locked');
    const r = runCli(['detect', '--model', 'demo', '--langs', 'en,fr', '--out', out]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`${out} is in use by another run \\(pid ${holder.pid}, "detect"`));
    assert.doesNotMatch(r.stdout, /Results in/);
  } finally {
    holder.stdin!.end();
    await once(holder, 'exit');
  }
  assert.ok(!existsSync(join(out, LOCK_FILE)), 'the holder released its lock');
});
