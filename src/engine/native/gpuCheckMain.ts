// Entry of dist/gpuCheck.js: the self-test a GPU build must pass before loadLibraries trusts
// it. A build that cannot run on this GPU aborts its process at the first kernel (SIGABRT in
// ggml, e.g. a CUDA driver older than the toolkit that must JIT the build's PTX), so the test
// runs here, in a child process: load the build, write a tiny synthetic model, load it with
// every layer offloaded, evaluate a few tokens. runGpuSelfTest.ts starts it and reads:
//   stdout  one JSON line {"devices": [...]} once the build is loaded, {"ok": true} at the end
//   exit    0 passed, 3 no GPU device (EXIT_NO_GPU), anything else failed
//   stderr  llama.cpp's error lines ("[llama.cpp] ..."), the reason of a failure
// Usage: gpuCheck --gpu cuda|vulkan|metal|cpu --bins DIR --dir TMPDIR
import { writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSyntheticModel } from '../../gguf/syntheticModel.ts';
import { LlamaEngine } from '../LlamaEngine.ts';
import type { LoadedGpu } from './gpuChoice.ts';
import { hasGpuDevice, openBuild } from './openBuild.ts';
import { EXIT_NO_GPU } from './runGpuSelfTest.ts';

const BUILDS: Record<string, LoadedGpu> = { cuda: 'cuda', vulkan: 'vulkan', metal: 'metal', cpu: false };

function report(value: object): void {
  // Synchronous, so that a line written before an abort is on disk.
  writeSync(1, `${JSON.stringify(value)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { gpu: { type: 'string' }, bins: { type: 'string' }, dir: { type: 'string' } }, strict: true });
  const gpu = values.gpu === undefined ? undefined : BUILDS[values.gpu];
  if (gpu === undefined || !values.bins || !values.dir) {
    process.stderr.write('usage: gpuCheck --gpu cuda|vulkan|metal|cpu --bins DIR --dir TMPDIR\n');
    return 2;
  }
  const bins = resolve(values.bins);
  const dir = resolve(values.dir);
  // A core dump of an abort lands in the temporary folder, which the parent removes.
  process.chdir(dir);
  const opened = openBuild(gpu, bins);
  if (!opened) {
    process.stderr.write(`error: no llama.cpp library in ${bins}\n`);
    return 2;
  }
  report({ devices: opened.devices });
  if (gpu !== false && !hasGpuDevice(opened.devices)) return EXIT_NO_GPU;

  const path = join(dir, 'self-test.gguf');
  await writeSyntheticModel(path, { arch: 'llama', nLayer: 2, nEmbd: 64, nFf: 128, nHead: 4, nHeadKv: 2, seed: 1, dtype: 'f16' });
  const engine = LlamaEngine.fromLibraries({ api: opened.api, gpu, binsDir: bins, devices: opened.devices });
  try {
    const model = await engine.loadModel(path, { gpuLayers: -1 });
    const context = model.createContext({ contextSize: 64, batchSize: 64, threads: 1 });
    const tokens = model.tokenize('GPU self-test');
    const logits = context.evaluate(tokens, { outputs: 'all' });
    if (logits.length === 0 || !logits.every(Number.isFinite)) {
      process.stderr.write(`error: the build computed ${logits.length === 0 ? 'no' : 'non-finite'} logits\n`);
      return 1;
    }
    report({ ok: true, tokens: tokens.length });
    return 0;
  } finally {
    engine.dispose();
  }
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  code = 1;
}
process.exit(code);
