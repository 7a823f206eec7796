import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import koffi from 'koffi';
import { bindLlamaApi, type LlamaApi } from './llamaApi.ts';
import { checkLayout } from './checkLayout.ts';
import type { LoadedGpu } from './gpuChoice.ts';
import { installLogger } from './logger.ts';

export interface DeviceInfo {
  name: string;
  description: string;
  type: 'cpu' | 'gpu' | 'igpu' | 'accel' | 'other';
}

export interface OpenedBuild {
  api: LlamaApi;
  devices: DeviceInfo[];
}

const require = createRequire(import.meta.url);

/** Prebuilt-binaries package of node-llama-cpp for this platform and GPU type. */
export function binariesPackage(gpu: LoadedGpu): string {
  const os = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'linux';
  const base = `${os}-${process.arch}`;
  if (gpu === 'metal') return `@node-llama-cpp/${base}-metal`;
  if (gpu === false) return `@node-llama-cpp/${base}`;
  return `@node-llama-cpp/${base}-${gpu}`;
}

/** The folder of the build's libraries, or undefined when its package is not installed. */
export function findBinsDir(gpu: LoadedGpu): string | undefined {
  const pkg = binariesPackage(gpu);
  // The binaries packages export no package.json, so look for them in the
  // node_modules folders above node-llama-cpp itself, as Node would.
  let dir = dirname(require.resolve('node-llama-cpp'));
  let bins: string | undefined;
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg, 'bins');
    if (existsSync(candidate)) { bins = candidate; break; }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const sub = readdirSync(bins).find((d) => existsSync(join(bins, d, '_nlcBuildMetadata.json')));
  return sub ? join(bins, sub) : undefined;
}

export function llamaLibraryIn(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir);
  const pick = (re: RegExp) => names.find((n) => re.test(n));
  const file = process.platform === 'win32' ? pick(/^llama.*\.dll$/) : process.platform === 'darwin' ? pick(/^libllama.*\.dylib$/) : pick(/^libllama\.(?:[a-z]+\.)?v?[\d.]*so$/);
  return file ? join(dir, file) : undefined;
}

const DEVICE_TYPES = ['cpu', 'gpu', 'igpu', 'accel'] as const;

function listDevices(api: LlamaApi): DeviceInfo[] {
  const n = Number(api.ggml_backend_dev_count());
  const out: DeviceInfo[] = [];
  for (let i = 0; i < n; i++) {
    const dev = api.ggml_backend_dev_get(i);
    const t = api.ggml_backend_dev_type(dev) as number;
    out.push({ name: api.ggml_backend_dev_name(dev) as string, description: api.ggml_backend_dev_description(dev) as string, type: DEVICE_TYPES[t] ?? 'other' });
  }
  return out;
}

export function hasGpuDevice(devices: readonly DeviceInfo[]): boolean {
  return devices.some((d) => d.type === 'gpu' || d.type === 'igpu');
}

/**
 * Loads one build's libraries into this process and registers its ggml backends. Loading
 * and listing devices runs no GPU kernel; a process can hold only one build, so call this
 * once, for the build that was chosen (loadLibraries) or is being tested (gpuCheckMain).
 */
export function openBuild(gpu: LoadedGpu, binsDir: string): OpenedBuild | undefined {
  const libPath = llamaLibraryIn(binsDir);
  if (!libPath) return undefined;
  const api = bindLlamaApi(koffi.load(libPath));
  installLogger(api);
  api.ggml_backend_load_all_from_path(binsDir);
  let devices = listDevices(api);
  const fallback = join(binsDir, 'fallback');
  if (gpu !== false && !hasGpuDevice(devices) && existsSync(fallback)) {
    api.ggml_backend_load_all_from_path(fallback);
    devices = listDevices(api);
  }
  api.llama_backend_init();
  checkLayout(api);
  return { api, devices };
}
