import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuName, type LoadedGpu } from './gpuChoice.ts';
import type { GpuVerdict } from './GpuVerdictCache.ts';
import type { DeviceInfo } from './openBuild.ts';

/** Exit code of the self-test when the build loads but lists no GPU. */
export const EXIT_NO_GPU = 3;

export interface GpuSelfTestOptions {
  /** The child is killed after this long; a first PTX JIT can take a while. Default 180 s. */
  timeoutMs?: number;
  /** The child's entry and Node flags; gpuCheckEntry() by default. */
  entry?: GpuCheckEntry;
}

export interface GpuSelfTestRun extends GpuVerdict {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface GpuCheckEntry {
  path: string;
  execArgv: string[];
}

/**
 * The child's entry: dist/gpuCheck.js beside the running bundle (dist/cli.js, dist/analysis.js),
 * else gpuCheckMain.ts beside this source file, run with this process's TypeScript loader.
 */
export function gpuCheckEntry(): GpuCheckEntry {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'gpuCheck.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  // The test runner's own flags would make the child a test run.
  return { path: join(here, 'gpuCheckMain.ts'), execArgv: process.execArgv.filter((a) => !/^--test|^--watch/.test(a)) };
}

/**
 * Runs one build's self-test (gpuCheckMain.ts) in a child process: a GPU build that cannot run
 * on this GPU aborts the process at its first kernel, which no try/catch survives. The child
 * writes to files, not pipes, so nothing it printed is lost when it aborts.
 */
export async function runGpuSelfTest(gpu: LoadedGpu, binsDir: string, options: GpuSelfTestOptions = {}): Promise<GpuSelfTestRun> {
  const entry = options.entry ?? gpuCheckEntry();
  const timeoutMs = options.timeoutMs ?? 180_000;
  if (!existsSync(entry.path)) {
    return { status: 'failed', devices: [], reason: `the self-test entry ${entry.path} is missing (rebuild with \`npm run build\`)`, transient: true, exitCode: null, signal: null };
  }
  const dir = await mkdtemp(join(tmpdir(), 'lape-gpu-check-'));
  try {
    const outFile = join(dir, 'stdout');
    const errFile = join(dir, 'stderr');
    const out = openSync(outFile, 'w');
    const err = openSync(errFile, 'w');
    let ended: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; error?: Error };
    try {
      const child = spawn(process.execPath, [...entry.execArgv, entry.path, '--gpu', gpuName(gpu), '--bins', binsDir, '--dir', dir], {
        stdio: ['ignore', out, err],
        // Errors only, and no gdb attach from ggml_abort: the reason is in the log lines.
        env: { ...process.env, LAPE_LLAMA_LOG: 'error', GGML_NO_BACKTRACE: '1' },
      });
      ended = await new Promise((resolve) => {
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
        child.once('error', (error) => { clearTimeout(timer); resolve({ code: null, signal: null, timedOut, error }); });
        child.once('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, timedOut }); });
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const reports = readFileSync(outFile, 'utf8').split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as { devices?: DeviceInfo[]; ok?: boolean }];
      } catch {
        return [];
      }
    });
    const devices = reports.find((r) => Array.isArray(r.devices))?.devices ?? [];
    const base = { devices, exitCode: ended.code, signal: ended.signal };
    if (ended.code === 0 && reports.some((r) => r.ok === true)) return { status: 'ok', ...base };
    if (ended.code === EXIT_NO_GPU) return { status: 'no-gpu', ...base };
    // A timeout (a slow first JIT?) or a child that never started may pass next time: not cached.
    const transient = ended.timedOut || ended.error !== undefined;
    return { status: 'failed', reason: failureReason(readFileSync(errFile, 'utf8'), { ...ended, timeoutMs }), ...(transient ? { transient } : {}), ...base };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** llama.cpp's last error lines (and ggml's abort line), then how the child ended. */
export function failureReason(stderr: string, end: { code: number | null; signal: NodeJS.Signals | null; timedOut?: boolean; timeoutMs?: number; error?: Error }): string {
  const lines = stderr.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '' && !/^at /.test(l) && !/^\(node:\d+\)/.test(l))
    .filter((l) => l.startsWith('[llama.cpp]') || /error|abort|fail|unsupported|invalid/i.test(l))
    .slice(-4)
    .map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l));
  const how = end.error ? `the self-test process could not start (${end.error.message})`
    : end.timedOut ? `the self-test did not finish within ${formatMs(end.timeoutMs ?? 0)} and was stopped`
      : end.signal ? `the self-test process was killed by ${end.signal}`
        : `the self-test process exited with code ${end.code}`;
  return lines.length ? `${lines.join(' | ')} (${how})` : how;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
