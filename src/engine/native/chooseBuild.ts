import { EngineError } from '../errors.ts';
import { gpuLabel, type GpuChoice, type LoadedGpu } from './gpuChoice.ts';
import { gpuFailedMessage, type GpuFallback } from './gpuFallback.ts';
import { verdictKey, type GpuVerdict, type GpuVerdictCache } from './GpuVerdictCache.ts';
import { binariesPackage, type DeviceInfo } from './openBuild.ts';

/** Runs one GPU build in a child process (runGpuSelfTest.ts); injectable for tests. */
export type GpuSelfTest = (gpu: Exclude<LoadedGpu, false>, binsDir: string) => Promise<GpuVerdict>;

export interface BuildChoiceDeps {
  /** GPU types worth trying under 'auto', best first: node-llama-cpp's getLlamaGpuTypes('supported'). */
  supportedGpus(): Promise<LoadedGpu[]>;
  findBinsDir(gpu: LoadedGpu): string | undefined;
  selfTest: GpuSelfTest;
  /** Left out: no cache, every GPU build is tested. */
  cache?: GpuVerdictCache;
  /** The key's part besides the libraries; systemFingerprint() by default. */
  system?: () => string[];
}

export interface ChosenBuild {
  gpu: LoadedGpu;
  binsDir: string;
  /** The verdict that let a GPU build in, and whether it came from the cache. */
  verdict?: GpuVerdict;
  fromCache?: boolean;
  /** Under 'auto': the first GPU build whose self-test failed. */
  fallback?: GpuFallback;
}

/**
 * Decides which build loadLibraries opens, without loading any library here: a GPU build
 * is trusted only after its self-test passed in a child process, since a build that
 * cannot run on this GPU aborts the process that runs its first kernel. The CPU build is
 * never tested. Under 'auto' a failed GPU build is passed over and remembered as the
 * fallback's reason; a build asked for by name that fails is an error.
 */
export async function chooseBuild(choice: GpuChoice, deps: BuildChoiceDeps): Promise<ChosenBuild> {
  if (choice !== 'auto') {
    const binsDir = requireBinsDir(choice, deps);
    if (choice === false) return { gpu: false, binsDir };
    const { verdict, fromCache } = await verdictFor(choice, binsDir, deps, { retestFailures: true });
    if (verdict.status === 'ok') return { gpu: choice, binsDir, verdict, fromCache };
    if (verdict.status === 'no-gpu') {
      throw new EngineError('gpu-failed', `The ${gpuLabel(choice)} build of llama.cpp sees no GPU on this machine (devices: ${describe(verdict.devices)}). Set LAPE_GPU=auto or cpu to run on the CPU.`);
    }
    throw new EngineError('gpu-failed', gpuFailedMessage(choice, verdict.reason ?? 'no reason given'));
  }
  let fallback: GpuFallback | undefined;
  for (const gpu of await deps.supportedGpus()) {
    if (gpu === false) continue;
    const binsDir = deps.findBinsDir(gpu);
    if (!binsDir) continue;
    const { verdict, fromCache } = await verdictFor(gpu, binsDir, deps, { retestFailures: false });
    if (verdict.status === 'ok') return { gpu, binsDir, verdict, fromCache, fallback };
    if (verdict.status === 'failed') fallback ??= { tried: gpu, reason: verdict.reason ?? 'no reason given' };
  }
  return { gpu: false, binsDir: requireBinsDir(false, deps), fallback };
}

/**
 * A cached 'ok' verdict names the devices its test saw. Once the build is open here, the
 * devices it lists must be those; otherwise the GPUs changed and the build is tested again.
 * A failure then is an error: this process already holds the GPU build and cannot swap it.
 */
export async function confirmDevices(chosen: ChosenBuild, devices: readonly DeviceInfo[], deps: Pick<BuildChoiceDeps, 'selfTest' | 'cache' | 'system'>): Promise<void> {
  if (chosen.gpu === false || !chosen.verdict || !chosen.fromCache) return;
  if (sameDevices(chosen.verdict.devices, devices)) return;
  const verdict = await deps.selfTest(chosen.gpu, chosen.binsDir);
  if (!verdict.transient) deps.cache?.set(verdictKey(chosen.binsDir, deps.system?.()), verdict);
  if (verdict.status !== 'ok') {
    throw new EngineError('gpu-failed', `The GPUs changed since the ${gpuLabel(chosen.gpu)} build last passed its self-test, and it now fails: ${verdict.reason ?? 'it sees no GPU'}. Start again: the new verdict is cached, so the next start picks another build.`);
  }
}

async function verdictFor(gpu: Exclude<LoadedGpu, false>, binsDir: string, deps: BuildChoiceDeps, o: { retestFailures: boolean }): Promise<{ verdict: GpuVerdict; fromCache: boolean }> {
  const key = verdictKey(binsDir, deps.system?.());
  const cached = deps.cache?.get(key);
  // A build asked for by name is tested again unless it passed: the user may have fixed the driver.
  if (cached && (cached.status === 'ok' || !o.retestFailures)) return { verdict: cached, fromCache: true };
  const verdict = await deps.selfTest(gpu, binsDir);
  if (!verdict.transient) deps.cache?.set(key, verdict);
  return { verdict, fromCache: false };
}

function requireBinsDir(gpu: LoadedGpu, deps: BuildChoiceDeps): string {
  const binsDir = deps.findBinsDir(gpu);
  if (binsDir) return binsDir;
  throw new EngineError('no-binaries', `The ${gpuLabel(gpu)} build of llama.cpp is not installed: ${binariesPackage(gpu)} was not found next to node-llama-cpp. Reinstall with \`npm ci\` (npm installs only the optional @node-llama-cpp/* packages that match this machine)${gpu === false ? '' : ', or set LAPE_GPU=auto'}.`);
}

function sameDevices(a: readonly DeviceInfo[], b: readonly DeviceInfo[]): boolean {
  const text = (d: readonly DeviceInfo[]) => JSON.stringify(d.map(({ name, description, type }) => [name, description, type]));
  return text(a) === text(b);
}

function describe(devices: readonly DeviceInfo[]): string {
  return devices.length ? devices.map((d) => `${d.name} (${d.description})`).join(', ') : 'none';
}
