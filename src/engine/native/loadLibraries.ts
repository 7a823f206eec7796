import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import { lapeCacheDir } from '../lapeCacheDir.ts';
import type { LlamaApi } from './llamaApi.ts';
import { chooseBuild, confirmDevices, type BuildChoiceDeps, type GpuSelfTest } from './chooseBuild.ts';
import { gpuChoiceFromEnv, gpuLabel, type GpuChoice, type LoadedGpu } from './gpuChoice.ts';
import type { GpuFallback } from './gpuFallback.ts';
import { GpuVerdictCache } from './GpuVerdictCache.ts';
import { findBinsDir, hasGpuDevice, openBuild, type DeviceInfo } from './openBuild.ts';
import { runGpuSelfTest } from './runGpuSelfTest.ts';

export type { GpuChoice, LoadedGpu } from './gpuChoice.ts';

export interface LoadedLibraries {
  api: LlamaApi;
  gpu: LoadedGpu;
  binsDir: string;
  devices: DeviceInfo[];
  /** Under 'auto': the GPU build whose self-test failed, so that this process runs on `gpu` instead. */
  gpuFallback?: GpuFallback;
}

/** For tests: each part of the choice can be replaced; the real one is the default. */
export interface LoadLibrariesOptions extends Partial<Pick<BuildChoiceDeps, 'supportedGpus' | 'findBinsDir'>> {
  /** Runs a GPU build's self-test; a child process (runGpuSelfTest) by default. */
  selfTest?: GpuSelfTest;
  /** The verdict cache; `<lapeCacheDir()>/gpu-self-test.json` by default, false for none. */
  cacheFile?: string | false;
}

/** Where verdicts are kept unless told otherwise. */
export function defaultGpuVerdictFile(): string {
  return join(lapeCacheDir(), 'gpu-self-test.json');
}

let loading: Promise<LoadedLibraries> | undefined;

/**
 * Loads, once per process, the llama.cpp libraries that node-llama-cpp ships. With no choice
 * given, LAPE_GPU decides (unset: 'auto'). 'auto' takes the first GPU type of
 * `getLlamaGpuTypes('supported')` whose package is installed, whose build lists a GPU and
 * whose self-test passes (chooseBuild.ts), else the CPU build. Loading node-llama-cpp's addon
 * just to ask would register the ggml backends twice in this process, so the same resolution
 * is done here.
 */
export async function loadLibraries(choice: GpuChoice = gpuChoiceFromEnv(), options: LoadLibrariesOptions = {}): Promise<LoadedLibraries> {
  if (!loading) {
    const promise = load(choice, options);
    loading = promise;
    // A failed load (a missing package, a failed self-test) may be retried with another choice.
    promise.catch(() => { if (loading === promise) loading = undefined; });
  }
  const libs = await loading;
  if (choice !== 'auto' && choice !== libs.gpu) {
    throw new EngineError('bad-argument', `The llama.cpp libraries for ${gpuLabel(libs.gpu)} are already loaded in this process; ${gpuLabel(choice)} needs a new process.`);
  }
  return libs;
}

async function load(choice: GpuChoice, options: LoadLibrariesOptions): Promise<LoadedLibraries> {
  const cacheFile = options.cacheFile ?? defaultGpuVerdictFile();
  const deps: BuildChoiceDeps = {
    supportedGpus: options.supportedGpus ?? (async () => (await import('node-llama-cpp')).getLlamaGpuTypes('supported') as Promise<LoadedGpu[]>),
    findBinsDir: options.findBinsDir ?? findBinsDir,
    selfTest: options.selfTest ?? ((gpu, binsDir) => runGpuSelfTest(gpu, binsDir)),
    cache: cacheFile === false ? undefined : new GpuVerdictCache(cacheFile),
  };
  const chosen = await chooseBuild(choice, deps);
  const opened = openBuild(chosen.gpu, chosen.binsDir);
  if (!opened) {
    throw new EngineError('no-binaries', `No llama.cpp library was found in ${chosen.binsDir}. Reinstall with \`npm ci\` so that the optional @node-llama-cpp/* package for this platform is complete.`);
  }
  await confirmDevices(chosen, opened.devices, deps);
  const gpu = chosen.gpu !== false && hasGpuDevice(opened.devices) ? chosen.gpu : false;
  return { api: opened.api, gpu, binsDir: chosen.binsDir, devices: opened.devices, gpuFallback: chosen.fallback };
}
