import { GPU_SETTING_ENV, GPU_SETTINGS, isGpuSetting, type GpuSetting } from '../../protocol/gpuSetting.ts';
import { EngineError } from '../errors.ts';

/** A build of node-llama-cpp's llama.cpp: a GPU type, or false for the CPU build. */
export type LoadedGpu = 'cuda' | 'vulkan' | 'metal' | false;
/** What loadLibraries is asked for: 'auto' picks, anything else is that build or an error. */
export type GpuChoice = 'auto' | LoadedGpu;

export function gpuChoiceOf(setting: GpuSetting): GpuChoice {
  return setting === 'cpu' ? false : setting;
}

/** The words users write for a build: 'cpu' for false. */
export function gpuName(gpu: GpuChoice): string {
  return gpu === false ? 'cpu' : gpu;
}

const LABEL = { auto: 'auto', cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' } as const;

/** The build's name in a sentence: 'CUDA', 'Vulkan', 'Metal', 'CPU'. */
export function gpuLabel(gpu: GpuChoice): string {
  return LABEL[gpu === false ? 'cpu' : gpu];
}

/**
 * The build `LAPE_GPU` asks for; 'auto' when it is unset or empty. Any other word is an
 * error that names the variable and the allowed values, never a silent 'auto'.
 */
export function gpuChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): GpuChoice {
  const raw = env[GPU_SETTING_ENV];
  if (raw === undefined || raw.trim() === '') return 'auto';
  const value = raw.trim().toLowerCase();
  if (!isGpuSetting(value)) {
    throw new EngineError('bad-argument', `${GPU_SETTING_ENV} is "${raw}"; it must be one of ${GPU_SETTINGS.join(', ')} (or unset, which means auto).`);
  }
  return gpuChoiceOf(value);
}
