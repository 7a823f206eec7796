/**
 * Which llama.cpp build the engine uses: `auto` tries the GPU builds node-llama-cpp supports
 * on this machine (each after a self-test) and ends on the CPU build. The same five words are
 * the `LAPE_GPU` environment variable, the CLI's `--gpu` and the `languageNeurons.gpu` setting.
 */
export const GPU_SETTINGS = ['auto', 'cuda', 'vulkan', 'metal', 'cpu'] as const;
export type GpuSetting = (typeof GPU_SETTINGS)[number];

/** The environment variable the engine reads when no choice is passed in. */
export const GPU_SETTING_ENV = 'LAPE_GPU';

export function isGpuSetting(value: unknown): value is GpuSetting {
  return typeof value === 'string' && (GPU_SETTINGS as readonly string[]).includes(value);
}
