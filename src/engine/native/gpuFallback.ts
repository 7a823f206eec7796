import { gpuLabel, type LoadedGpu } from './gpuChoice.ts';

/** A GPU build that 'auto' passed over because its self-test failed. */
export interface GpuFallback {
  tried: Exclude<LoadedGpu, false>;
  /** llama.cpp's last error lines from the self-test, or how its process ended. */
  reason: string;
}

/**
 * How to get the GPU back. node-llama-cpp 3.21.1's CUDA binaries were built with the CUDA
 * 13.1 toolkit and hold no code for some GPUs (no sm_90 for Hopper): the driver must then
 * JIT-compile their PTX, which a driver older than the toolkit refuses at the first kernel.
 */
function driverFix(gpu: Exclude<LoadedGpu, false>): string {
  return gpu === 'cuda'
    ? 'update the NVIDIA driver to one that supports the CUDA version the prebuilt binaries were built with (CUDA 13.1 for node-llama-cpp 3.21.1)'
    : `update the ${gpuLabel(gpu)} driver`;
}

function otherBuilds(gpu: Exclude<LoadedGpu, false>): string {
  return gpu === 'cuda' ? 'LAPE_GPU=cpu (or vulkan)' : 'LAPE_GPU=cpu';
}

/** The warning for a fallback under 'auto', with the fix. */
export function gpuFallbackMessage(fallback: GpuFallback, using: LoadedGpu): string {
  const now = using === false ? 'on the CPU' : `on the ${gpuLabel(using)} build`;
  return `The ${gpuLabel(fallback.tried)} build of llama.cpp failed its self-test on this machine, so lape runs ${now}: ${fallback.reason}. `
    + `To use the GPU, ${driverFix(fallback.tried)}; to skip the test and this warning, set ${otherBuilds(fallback.tried)} `
    + '(also `lape --gpu` or the VS Code setting languageNeurons.gpu). The verdict is cached until the libraries, the driver or the GPUs change.';
}

/** The error for a build that was asked for by name and failed its self-test. */
export function gpuFailedMessage(gpu: Exclude<LoadedGpu, false>, reason: string): string {
  return `The ${gpuLabel(gpu)} build of llama.cpp was asked for (LAPE_GPU, --gpu or languageNeurons.gpu) and failed its self-test on this machine: ${reason}. `
    + `To use it, ${driverFix(gpu)}. Otherwise set ${otherBuilds(gpu)}, or auto, which falls back to the CPU with a warning.`;
}
