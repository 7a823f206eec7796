// The GPU self-test's child process, for real: the actual entry (gpuCheckMain.ts, run with this
// process's TypeScript loader) against the CPU build on the synthetic model, and builds it cannot
// use. No GPU is needed. Two stand-in entries check that the parent reads an abort's log lines
// and its signal, and stops a child that hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { findBinsDir } from '../../src/engine/native/openBuild.ts';
import { EXIT_NO_GPU, gpuCheckEntry, runGpuSelfTest } from '../../src/engine/native/runGpuSelfTest.ts';

const dir = mkdtempSync(join(tmpdir(), 'lape-gpu-child-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the child entry runs the CPU build end to end: synthetic model, load, evaluate, exit 0', async () => {
  const entry = gpuCheckEntry();
  assert.match(entry.path, /gpuCheckMain\.ts$/, 'from sources the .ts entry is used');
  const binsDir = findBinsDir(false);
  assert.ok(binsDir, 'the CPU build is installed');
  const run = await runGpuSelfTest(false, binsDir, { timeoutMs: 120_000 });
  assert.equal(run.status, 'ok', run.reason);
  assert.equal(run.exitCode, 0);
  assert.equal(run.signal, null);
  assert.ok(run.devices.some((d) => d.type === 'cpu'), JSON.stringify(run.devices));
});

test('a build that is not there is reported as failed, with a non-zero exit, not a hang', async () => {
  const started = Date.now();
  const run = await runGpuSelfTest('cuda', join(dir, 'no-such-bins'), { timeoutMs: 60_000 });
  assert.equal(run.status, 'failed');
  assert.equal(run.exitCode, 2);
  assert.match(run.reason ?? '', /no llama\.cpp library in .*no-such-bins/);
  assert.match(run.reason ?? '', /exited with code 2/);
  assert.ok(Date.now() - started < 60_000);
});

test('an installed GPU build on a machine without that GPU: the child says so and exits non-zero', async (t) => {
  const binsDir = findBinsDir('cuda') ?? findBinsDir('vulkan');
  if (!binsDir) return t.skip('no GPU build of node-llama-cpp is installed here');
  const gpu = binsDir.includes('cuda') ? 'cuda' : 'vulkan';
  const run = await runGpuSelfTest(gpu, binsDir, { timeoutMs: 120_000 });
  assert.notEqual(run.signal, 'SIGKILL', 'it must end on its own');
  if (run.devices.some((d) => d.type === 'gpu' || d.type === 'igpu')) return t.skip(`this machine has a GPU for ${gpu} (the test ran: ${run.status})`);
  assert.equal(run.status, 'no-gpu');
  assert.equal(run.exitCode, EXIT_NO_GPU);
});

test('an abort in the child: its llama.cpp error lines and the signal become the reason', async () => {
  // Stands in for the H200's CUDA build: the same log lines, then SIGABRT as ggml_abort raises it.
  const path = join(dir, 'aborts.mjs');
  writeFileSync(path, `process.chdir(${JSON.stringify(dir)});
process.stdout.write(JSON.stringify({ devices: [{ name: 'CUDA0', description: 'NVIDIA H200', type: 'gpu' }] }) + '\\n');
process.stderr.write('[llama.cpp] CUDA error: the provided PTX was compiled with an unsupported toolchain.\\n');
process.stderr.write('[llama.cpp]   current device: 0, in function ggml_cuda_kernel_can_use_pdl at common.cuh:1640\\n');
process.stderr.write('ggml-cuda.cu:108: CUDA error\\n');
process.kill(process.pid, 'SIGABRT');
`);
  const run = await runGpuSelfTest('cuda', dir, { entry: { path, execArgv: [] }, timeoutMs: 60_000 });
  assert.equal(run.status, 'failed');
  assert.equal(run.signal, 'SIGABRT');
  assert.deepEqual(run.devices.map((d) => d.description), ['NVIDIA H200'], 'the devices line written before the abort is read');
  assert.match(run.reason ?? '', /PTX was compiled with an unsupported toolchain.*ggml-cuda\.cu:108: CUDA error.*killed by SIGABRT/);
  assert.equal(run.transient, undefined, 'an abort is cached');
});

test('a child that hangs is stopped at the timeout and reported as failed', async () => {
  const path = join(dir, 'hangs.mjs');
  writeFileSync(path, 'setInterval(() => {}, 1000);\n');
  const started = Date.now();
  const run = await runGpuSelfTest('vulkan', dir, { entry: { path, execArgv: [] }, timeoutMs: 500 });
  assert.equal(run.status, 'failed');
  assert.match(run.reason ?? '', /did not finish within 500 ms and was stopped/);
  assert.equal(run.transient, true, 'a timeout is not cached');
  assert.ok(Date.now() - started < 30_000);
});
