import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import type { DeviceInfo } from './openBuild.ts';

/** What a GPU build's self-test found. */
export interface GpuVerdict {
  /** 'no-gpu': the build loaded but listed no GPU device (not an error; 'auto' moves on). */
  status: 'ok' | 'no-gpu' | 'failed';
  /** The devices the build listed in the self-test, before any kernel ran. */
  devices: DeviceInfo[];
  /** For 'failed': llama.cpp's last error lines, or how the process ended. */
  reason?: string;
  /** A failure that may not happen again (a timeout, a child that could not start): not cached. */
  transient?: boolean;
}

/** When a verdict still holds: the same libraries, driver and GPUs. */
export interface VerdictKey {
  binsDir: string;
  /** Every library of the build (and of its fallback/ folder) with its size and mtime. */
  libraries: { file: string; size: number; mtimeMs: number }[];
  /** The OS release, the NVIDIA driver and GPU models where the OS says them, visibility variables. */
  system: string[];
}

interface CacheFile {
  version: 1;
  /** By bins folder, so the CUDA and Vulkan builds keep one verdict each. */
  entries: Record<string, { key: VerdictKey; verdict: GpuVerdict; checkedAt: string }>;
}

const LIBRARY = /\.(?:so|dll|dylib|node)$|\.so\./;

export function libraryStats(binsDir: string): VerdictKey['libraries'] {
  const out: VerdictKey['libraries'] = [];
  for (const dir of [binsDir, join(binsDir, 'fallback')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!LIBRARY.test(name)) continue;
      const st = statSync(join(dir, name));
      out.push({ file: dir === binsDir ? name : `fallback/${name}`, size: st.size, mtimeMs: Math.round(st.mtimeMs) });
    }
  }
  return out;
}

/**
 * What the parent process can learn about the GPU stack without loading any GPU library.
 * A driver update is the usual fix for a failed self-test, so a new driver version must
 * invalidate the verdict: Linux says it in /proc/driver/nvidia; elsewhere the OS release
 * stands in (and an explicit LAPE_GPU always tests a failed build again).
 */
export function systemFingerprint(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = [`${process.platform}-${process.arch} ${release()}`];
  const nvidia = '/proc/driver/nvidia';
  if (process.platform === 'linux' && existsSync(nvidia)) {
    out.push(...readLines(join(nvidia, 'version')).filter((l) => /NVRM version/.test(l)));
    const gpus = join(nvidia, 'gpus');
    if (existsSync(gpus)) {
      for (const bus of readdirSync(gpus).sort()) out.push(...readLines(join(gpus, bus, 'information')).filter((l) => /^Model:/.test(l)).map((l) => `${bus} ${l}`));
    }
  }
  for (const name of ['CUDA_VISIBLE_DEVICES', 'GGML_VK_VISIBLE_DEVICES']) {
    if (env[name] !== undefined) out.push(`${name}=${env[name]}`);
  }
  return out;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
  } catch {
    return [];
  }
}

export function verdictKey(binsDir: string, system: string[] = systemFingerprint()): VerdictKey {
  return { binsDir, libraries: libraryStats(binsDir), system };
}

/**
 * The GPU self-test's verdicts, one JSON file in the user cache. A verdict is used only while
 * its key matches exactly. The file is an optimisation: one that cannot be read or written
 * costs a self-test, never an error.
 */
export class GpuVerdictCache {
  constructor(readonly file: string) {}

  get(key: VerdictKey): GpuVerdict | undefined {
    const entry = this.read().entries[key.binsDir];
    return entry && JSON.stringify(entry.key) === JSON.stringify(key) ? entry.verdict : undefined;
  }

  set(key: VerdictKey, verdict: GpuVerdict): void {
    const data = this.read();
    data.entries[key.binsDir] = { key, verdict, checkedAt: new Date().toISOString() };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Written aside and renamed, so a process reading at the same moment sees old or new.
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
      renameSync(tmp, this.file);
    } catch {
      // No cache: the next process tests again.
    }
  }

  private read(): CacheFile {
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      if (data?.version === 1 && data.entries && typeof data.entries === 'object') return data;
    } catch {
      // Missing or unreadable: start empty.
    }
    return { version: 1, entries: {} };
  }
}
