// A GPU build that failed its self-test under auto: the engine opens the real CPU build, and
// the pipeline says why, once, through onWarning (the CLI prints it, the analysis process logs
// it) and in ModelInfo (lape info --json, the extension). The self-test and the list of
// supported GPU types are injected, since this machine has no GPU; everything after the
// choice is real. loadLibraries is once per process, so this file owns its process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLibraries } from '../../src/engine/native/loadLibraries.ts';
import { findBinsDir } from '../../src/engine/native/openBuild.ts';
import { failureReason } from '../../src/engine/native/runGpuSelfTest.ts';
import { createPipeline } from '../../src/pipeline/index.ts';

const reason = failureReason('[llama.cpp] CUDA error: the provided PTX was compiled with an unsupported toolchain.\nggml-cuda.cu:108: CUDA error\n', { code: null, signal: 'SIGABRT' });

test('auto after a failed CUDA self-test: the CPU build runs, the reason reaches onWarning once and ModelInfo', async () => {
  let selfTests = 0;
  const libs = await loadLibraries('auto', {
    supportedGpus: async () => ['cuda', false],
    // Any folder stands for the CUDA build: the stubbed self-test never opens it.
    findBinsDir: (gpu) => (gpu === 'cuda' ? findBinsDir(false) : findBinsDir(gpu)),
    selfTest: async () => { selfTests++; return { status: 'failed', devices: [], reason }; },
    cacheFile: false,
  });
  assert.equal(selfTests, 1);
  assert.equal(libs.gpu, false);
  assert.deepEqual(libs.gpuFallback, { tried: 'cuda', reason });

  const warnings: string[] = [];
  const pipeline = createPipeline({ onWarning: (m) => warnings.push(m) });
  try {
    const info = await pipeline.modelInfo({ model: 'builtin' });
    assert.equal(info.backend, 'cpu');
    assert.equal(info.gpuFallback?.tried, 'cuda');
    assert.equal(info.gpuFallback?.reason, reason);
    assert.match(info.gpuFallback?.message ?? '', /CUDA build of llama\.cpp failed its self-test.*runs on the CPU.*unsupported toolchain.*update the NVIDIA driver.*LAPE_GPU=cpu/);
    await pipeline.modelInfo({ model: 'builtin' });
    assert.deepEqual(warnings, [info.gpuFallback?.message], 'said once per engine');
  } finally {
    pipeline.dispose();
  }
  // A pipeline without the listener still reports it in ModelInfo.
  const quiet = createPipeline();
  try {
    assert.equal((await quiet.modelInfo({ model: 'builtin' })).gpuFallback?.tried, 'cuda');
  } finally {
    quiet.dispose();
  }
});
