// Which llama.cpp build the engine opens, with the GPU self-test injected: no GPU is needed
// and no GPU library is loaded. Fake builds are folders of fake library files, so the verdict
// cache's key (sizes and mtimes) is real; the self-test is a counting stub. The last test goes
// through loadLibraries itself and opens the real CPU build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { EngineError } from '../../src/engine/index.ts';
import { chooseBuild, confirmDevices, type BuildChoiceDeps } from '../../src/engine/native/chooseBuild.ts';
import { gpuChoiceFromEnv, type LoadedGpu } from '../../src/engine/native/gpuChoice.ts';
import { gpuFallbackMessage } from '../../src/engine/native/gpuFallback.ts';
import { GpuVerdictCache, type GpuVerdict } from '../../src/engine/native/GpuVerdictCache.ts';
import { loadLibraries } from '../../src/engine/native/loadLibraries.ts';
import { failureReason } from '../../src/engine/native/runGpuSelfTest.ts';
import { rejectsWith } from './rejectsWith.ts';

const root = mkdtempSync(join(tmpdir(), 'lape-gpu-choice-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** What the driver printed on the H200 (driver 580 = CUDA 13.0, binaries built with CUDA 13.1). */
const H200_STDERR = `[llama.cpp] CUDA error: the provided PTX was compiled with an unsupported toolchain.
[llama.cpp]   current device: 0, in function ggml_cuda_kernel_can_use_pdl at /home/runner/work/node-llama-cpp/llama/llama.cpp/ggml/src/ggml-cuda/common.cuh:1640
[llama.cpp]   cudaFuncGetAttributes(&attr, kernel)
/home/runner/work/node-llama-cpp/llama/llama.cpp/ggml/src/ggml-cuda/ggml-cuda.cu:108: CUDA error
`;
const H200_REASON = failureReason(H200_STDERR, { code: null, signal: 'SIGABRT' });

const CPU_DEVICES: GpuVerdict['devices'] = [{ name: 'CPU', description: 'Test CPU', type: 'cpu' }];
const H200_DEVICES: GpuVerdict['devices'] = [{ name: 'CUDA0', description: 'NVIDIA H200', type: 'gpu' }, ...CPU_DEVICES];

let fixtures = 0;

/** Folders of fake builds (their libraries are a few bytes) and a cache file, fresh per test. */
function fakeBuilds(): { dirs: Record<string, string>; cacheFile: string } {
  const base = join(root, `case-${fixtures++}`);
  const dirs: Record<string, string> = {};
  for (const [gpu, libs] of Object.entries({ cpu: ['libllama.v0.4.0.so', 'libggml-cpu-x64.so'], cuda: ['libllama.cuda.v0.4.0.so', 'libggml-cuda.so'], vulkan: ['libllama.vulkan.v0.4.0.so', 'libggml-vulkan.so'] })) {
    dirs[gpu] = join(base, gpu);
    mkdirSync(dirs[gpu], { recursive: true });
    for (const lib of libs) writeFileSync(join(dirs[gpu], lib), `${gpu} ${lib}`);
    writeFileSync(join(dirs[gpu], '_nlcBuildMetadata.json'), '{}');
  }
  return { dirs, cacheFile: join(base, 'cache', 'gpu-self-test.json') };
}

interface StubTest {
  calls: { gpu: LoadedGpu; binsDir: string }[];
  deps: BuildChoiceDeps;
}

/** chooseBuild's dependencies: the given supported GPU types, and a self-test that answers from `verdicts`. */
function stub(builds: ReturnType<typeof fakeBuilds>, verdicts: Partial<Record<'cuda' | 'vulkan' | 'metal', GpuVerdict>>, supported: LoadedGpu[] = ['cuda', 'vulkan', false]): StubTest {
  const calls: StubTest['calls'] = [];
  return {
    calls,
    deps: {
      supportedGpus: async () => supported,
      findBinsDir: (gpu) => builds.dirs[gpu === false ? 'cpu' : gpu],
      selfTest: async (gpu, binsDir) => {
        calls.push({ gpu, binsDir });
        const verdict = verdicts[gpu];
        if (!verdict) throw new Error(`the stub has no verdict for ${gpu}`);
        return verdict;
      },
      cache: new GpuVerdictCache(builds.cacheFile),
      system: () => ['linux-x64 6.8.0', 'NVRM version: NVIDIA UNIX x86_64 Kernel Module 580.159'],
    },
  };
}

const failed: GpuVerdict = { status: 'failed', devices: H200_DEVICES, reason: H200_REASON };
const passed: GpuVerdict = { status: 'ok', devices: H200_DEVICES };

test('the reason keeps llama.cpp\'s last error lines and the signal', () => {
  assert.match(H200_REASON, /CUDA error: the provided PTX was compiled with an unsupported toolchain\./);
  assert.match(H200_REASON, /ggml-cuda\.cu:108: CUDA error/);
  assert.match(H200_REASON, /killed by SIGABRT/);
  // Negative control: a clean exit with nothing on stderr says only how it ended.
  assert.equal(failureReason('', { code: 1, signal: null }), 'the self-test process exited with code 1');
});

test('auto: a GPU build that fails its self-test falls back to the CPU build and keeps the reason', async () => {
  const builds = fakeBuilds();
  const { calls, deps } = stub(builds, { cuda: failed }, ['cuda', false]);
  const chosen = await chooseBuild('auto', deps);
  assert.equal(chosen.gpu, false);
  assert.equal(chosen.binsDir, builds.dirs.cpu);
  assert.deepEqual(chosen.fallback, { tried: 'cuda', reason: H200_REASON });
  assert.deepEqual(calls, [{ gpu: 'cuda', binsDir: builds.dirs.cuda }]);
  const warning = gpuFallbackMessage(chosen.fallback!, chosen.gpu);
  for (const words of ['runs on the CPU', 'unsupported toolchain', 'update the NVIDIA driver', 'LAPE_GPU=cpu (or vulkan)']) {
    assert.ok(warning.includes(words), `the warning should say "${words}": ${warning}`);
  }
});

test('auto: after a failed CUDA build a passing Vulkan build is used, and the CUDA failure is still reported', async () => {
  const { calls, deps } = stub(fakeBuilds(), { cuda: failed, vulkan: { status: 'ok', devices: H200_DEVICES } });
  const chosen = await chooseBuild('auto', deps);
  assert.equal(chosen.gpu, 'vulkan');
  assert.equal(chosen.fallback?.tried, 'cuda');
  assert.deepEqual(calls.map((c) => c.gpu), ['cuda', 'vulkan']);
  assert.match(gpuFallbackMessage(chosen.fallback!, chosen.gpu), /runs on the Vulkan build/);
});

test('auto: a build that sees no GPU is passed over without a warning', async () => {
  const { deps } = stub(fakeBuilds(), { cuda: { status: 'no-gpu', devices: CPU_DEVICES } }, ['cuda', false]);
  const chosen = await chooseBuild('auto', deps);
  assert.equal(chosen.gpu, false);
  assert.equal(chosen.fallback, undefined);
});

test('an explicit GPU build that fails its self-test is an error with the reason and the fix, never a silent fallback', async () => {
  const { deps } = stub(fakeBuilds(), { cuda: failed });
  await rejectsWith(chooseBuild('cuda', deps), 'gpu-failed', 'unsupported toolchain', 'SIGABRT', 'update the NVIDIA driver', 'LAPE_GPU=cpu');
  const noGpu = stub(fakeBuilds(), { cuda: { status: 'no-gpu', devices: CPU_DEVICES } });
  await rejectsWith(chooseBuild('cuda', noGpu.deps), 'gpu-failed', 'sees no GPU');
});

test('an explicit build whose package is missing names the package', async () => {
  const { deps } = stub(fakeBuilds(), {});
  await rejectsWith(chooseBuild('metal', deps), 'no-binaries', '@node-llama-cpp/', '-metal');
});

test('a passing verdict is cached: the next process does not run the self-test again', async () => {
  const builds = fakeBuilds();
  const first = stub(builds, { cuda: passed });
  const chosen = await chooseBuild('auto', first.deps);
  assert.equal(chosen.gpu, 'cuda');
  assert.equal(chosen.fromCache, false);
  // A new cache object on the same file, as another process would have.
  const second = stub(builds, { cuda: passed });
  for (const choice of ['auto', 'cuda'] as const) {
    const again = await chooseBuild(choice, second.deps);
    assert.equal(again.gpu, 'cuda');
    assert.equal(again.fromCache, true);
  }
  assert.equal(first.calls.length, 1);
  assert.equal(second.calls.length, 0);
  const file = JSON.parse(readFileSync(builds.cacheFile, 'utf8'));
  assert.equal(file.entries[builds.dirs.cuda].verdict.status, 'ok');
});

test('a changed library size or mtime, or another driver, invalidates the verdict', async () => {
  const builds = fakeBuilds();
  const { calls, deps } = stub(builds, { cuda: passed });
  await chooseBuild('auto', deps);
  await chooseBuild('auto', deps);
  assert.equal(calls.length, 1, 'unchanged: cached');

  const lib = join(builds.dirs.cuda, 'libggml-cuda.so');
  writeFileSync(lib, 'a rebuilt library of another size');
  await chooseBuild('auto', deps);
  assert.equal(calls.length, 2, 'size changed: tested again');

  const { size } = statSync(lib);
  const later = new Date(Date.now() + 60_000);
  utimesSync(lib, later, later);
  assert.equal(statSync(lib).size, size);
  await chooseBuild('auto', deps);
  assert.equal(calls.length, 3, 'mtime changed: tested again');

  await chooseBuild('auto', deps);
  assert.equal(calls.length, 3, 'unchanged again: cached');
  deps.system = () => ['linux-x64 6.8.0', 'NVRM version: NVIDIA UNIX x86_64 Kernel Module 590.44'];
  await chooseBuild('auto', deps);
  assert.equal(calls.length, 4, 'driver updated: tested again');
});

test('a failed verdict is cached under auto; a build asked for by name is tested again', async () => {
  const builds = fakeBuilds();
  const { calls, deps } = stub(builds, { cuda: failed }, ['cuda', false]);
  const first = await chooseBuild('auto', deps);
  const second = await chooseBuild('auto', deps);
  assert.equal(calls.length, 1);
  assert.deepEqual(second.fallback, first.fallback, 'the cached failure still gives its reason');
  await rejectsWith(chooseBuild('cuda', deps), 'gpu-failed');
  assert.equal(calls.length, 2, 'the user may have fixed the driver: an explicit choice tests again');
});

test('a transient failure (a timeout) falls back but is not cached: the next start tests again', async () => {
  const builds = fakeBuilds();
  const { calls, deps } = stub(builds, { cuda: { status: 'failed', devices: [], reason: 'the self-test did not finish within 180 s and was stopped', transient: true } }, ['cuda', false]);
  assert.equal((await chooseBuild('auto', deps)).fallback?.tried, 'cuda');
  await chooseBuild('auto', deps);
  assert.equal(calls.length, 2);
});

test('LAPE_GPU=cpu never runs the self-test, even where a GPU build is installed and supported', async () => {
  const builds = fakeBuilds();
  const { calls, deps } = stub(builds, { cuda: failed, vulkan: failed });
  const choice = gpuChoiceFromEnv({ LAPE_GPU: 'cpu' });
  assert.equal(choice, false);
  const chosen = await chooseBuild(choice, deps);
  assert.equal(chosen.gpu, false);
  assert.equal(chosen.binsDir, builds.dirs.cpu);
  assert.equal(calls.length, 0);
  // The CPU build is never tested under auto either.
  const cpuOnly = stub(builds, {}, [false]);
  assert.equal((await chooseBuild('auto', cpuOnly.deps)).gpu, false);
  assert.equal(cpuOnly.calls.length, 0);
});

test('LAPE_GPU: unset or empty is auto, case is ignored, anything else is an error naming the variable and the values', () => {
  assert.equal(gpuChoiceFromEnv({}), 'auto');
  assert.equal(gpuChoiceFromEnv({ LAPE_GPU: '' }), 'auto');
  assert.equal(gpuChoiceFromEnv({ LAPE_GPU: 'CUDA' }), 'cuda');
  assert.equal(gpuChoiceFromEnv({ LAPE_GPU: ' vulkan ' }), 'vulkan');
  for (const bad of ['rocm', 'gpu', 'false']) {
    assert.throws(() => gpuChoiceFromEnv({ LAPE_GPU: bad }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'bad-argument');
      assert.match(e.message, new RegExp(`LAPE_GPU is "${bad}"`));
      assert.match(e.message, /auto, cuda, vulkan, metal, cpu/);
      return true;
    });
  }
});

test('a cached pass whose devices differ from the opened build\'s is tested again, and a failure then is an error', async () => {
  const builds = fakeBuilds();
  const seed = stub(builds, { cuda: passed }, ['cuda', false]);
  await chooseBuild('auto', seed.deps);
  const { calls, deps } = stub(builds, { cuda: failed }, ['cuda', false]);
  const chosen = await chooseBuild('auto', deps);
  assert.equal(chosen.fromCache, true);
  await confirmDevices(chosen, H200_DEVICES, deps);
  assert.equal(calls.length, 0, 'the same devices: nothing to do');
  const other = [{ name: 'CUDA0', description: 'NVIDIA A100-SXM4-80GB', type: 'gpu' as const }, ...CPU_DEVICES];
  await rejectsWith(confirmDevices(chosen, other, deps), 'gpu-failed', 'GPUs changed', 'unsupported toolchain');
  assert.equal(calls.length, 1);
  // The new verdict is cached, so the next start passes over the build.
  const next = await chooseBuild('auto', deps);
  assert.equal(next.gpu, false);
  assert.equal(calls.length, 1);
});

test('an unreadable cache file costs a self-test, not an error', async () => {
  const builds = fakeBuilds();
  mkdirSync(join(builds.cacheFile, '..'), { recursive: true });
  writeFileSync(builds.cacheFile, '{ not json');
  const { calls, deps } = stub(builds, { cuda: passed });
  assert.equal((await chooseBuild('auto', deps)).gpu, 'cuda');
  assert.equal(calls.length, 1);
  assert.equal(JSON.parse(readFileSync(builds.cacheFile, 'utf8')).version, 1, 'rewritten');
});

test('loadLibraries: an invalid LAPE_GPU is refused, and LAPE_GPU=cpu opens the CPU build without a self-test', async () => {
  const saved = process.env.LAPE_GPU;
  let selfTests = 0;
  const selfTest = async (): Promise<GpuVerdict> => { selfTests++; return failed; };
  try {
    process.env.LAPE_GPU = 'rocm';
    await rejectsWith(loadLibraries(undefined, { selfTest, cacheFile: false }), 'bad-argument', 'LAPE_GPU', 'auto, cuda, vulkan, metal, cpu');
    process.env.LAPE_GPU = 'cpu';
    const libs = await loadLibraries(undefined, { selfTest, cacheFile: false });
    assert.equal(libs.gpu, false);
    assert.equal(libs.gpuFallback, undefined);
    assert.ok(libs.devices.some((d) => d.type === 'cpu'));
    assert.equal(selfTests, 0);
  } finally {
    if (saved === undefined) delete process.env.LAPE_GPU;
    else process.env.LAPE_GPU = saved;
  }
});
