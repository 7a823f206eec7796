import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import koffi from 'koffi';
import { getLlamaGpuTypes } from 'node-llama-cpp';
import { EngineError } from '../errors.ts';
import { bindLlamaApi, type LlamaApi } from './llamaApi.ts';
import { checkLayout } from './checkLayout.ts';
import { installLogger } from './logger.ts';

export type GpuChoice = 'auto' | 'cuda' | 'vulkan' | 'metal' | false;
export type LoadedGpu = 'cuda' | 'vulkan' | 'metal' | false;

export interface LoadedLibraries {
  api: LlamaApi;
  gpu: LoadedGpu;
  binsDir: string;
  devices: { name: string; description: string; type: 'cpu' | 'gpu' | 'igpu' | 'accel' | 'other' }[];
}

const require = createRequire(import.meta.url);
let loaded: LoadedLibraries | undefined;

/** Prebuilt-binaries package of node-llama-cpp for this platform and GPU type. */
function binariesPackage(gpu: LoadedGpu): string {
  const os = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'linux';
  const base = `${os}-${process.arch}`;
  if (gpu === 'metal') return `@node-llama-cpp/${base}-metal`;
  if (gpu === false) return `@node-llama-cpp/${base}`;
  return `@node-llama-cpp/${base}-${gpu}`;
}

function findBinsDir(gpu: LoadedGpu): string | undefined {
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

function llamaLibraryIn(dir: string): string | undefined {
  const names = readdirSync(dir);
  const pick = (re: RegExp) => names.find((n) => re.test(n));
  const file = process.platform === 'win32' ? pick(/^llama.*\.dll$/) : process.platform === 'darwin' ? pick(/^libllama.*\.dylib$/) : pick(/^libllama\.(?:[a-z]+\.)?v?[\d.]*so$/);
  return file ? join(dir, file) : undefined;
}

const DEVICE_TYPES = ['cpu', 'gpu', 'igpu', 'accel'] as const;

function listDevices(api: LlamaApi): LoadedLibraries['devices'] {
  const n = Number(api.ggml_backend_dev_count());
  const out: LoadedLibraries['devices'] = [];
  for (let i = 0; i < n; i++) {
    const dev = api.ggml_backend_dev_get(i);
    const t = api.ggml_backend_dev_type(dev) as number;
    out.push({ name: api.ggml_backend_dev_name(dev) as string, description: api.ggml_backend_dev_description(dev) as string, type: DEVICE_TYPES[t] ?? 'other' });
  }
  return out;
}

/**
 * Loads, once per process, the llama.cpp libraries that node-llama-cpp ships for the
 * build its own `getLlama()` would pick: the first supported GPU type whose prebuilt
 * package is installed, else the CPU build. Loading node-llama-cpp's addon just to ask
 * would register the ggml backends twice in this process, so the same resolution is
 * done here from `getLlamaGpuTypes('supported')`.
 */
export async function loadLibraries(choice: GpuChoice = 'auto'): Promise<LoadedLibraries> {
  if (loaded) {
    if (choice !== 'auto' && choice !== loaded.gpu) {
      throw new EngineError('bad-argument', `The llama.cpp libraries for ${loaded.gpu || 'CPU'} are already loaded in this process; ${choice || 'CPU'} needs a new process.`);
    }
    return loaded;
  }
  const candidates: LoadedGpu[] = choice === 'auto' ? [...((await getLlamaGpuTypes('supported')) as LoadedGpu[]).filter((g) => g !== false), false] : [choice];
  for (const gpu of candidates) {
    const binsDir = findBinsDir(gpu);
    const libPath = binsDir && llamaLibraryIn(binsDir);
    if (!binsDir || !libPath) continue;
    const api = bindLlamaApi(koffi.load(libPath));
    installLogger(api);
    api.ggml_backend_load_all_from_path(binsDir);
    let devices = listDevices(api);
    const fallback = join(binsDir, 'fallback');
    if (gpu !== false && !devices.some((d) => d.type === 'gpu') && existsSync(fallback)) {
      api.ggml_backend_load_all_from_path(fallback);
      devices = listDevices(api);
    }
    api.llama_backend_init();
    checkLayout(api);
    loaded = { api, gpu: devices.some((d) => d.type === 'gpu' || d.type === 'igpu') ? gpu : false, binsDir, devices };
    return loaded;
  }
  throw new EngineError('no-binaries', `No prebuilt llama.cpp binaries of node-llama-cpp were found for ${process.platform}-${process.arch} (${candidates.map((g) => g || 'cpu').join(', ')}). Reinstall with \`npm ci\` so that the optional @node-llama-cpp/* package for this platform is installed.`);
}
