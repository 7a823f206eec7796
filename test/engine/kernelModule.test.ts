// The committed WASM module is what scripts/build-kernel.mjs assembles from the committed
// countKernel.wat, so the kernel that runs is the one whose source is reviewed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

interface BuildKernel {
  assembleKernel(): Promise<string>;
  moduleSource(base64: string): string;
}

// A URL, not a literal specifier: the script is plain JavaScript without type declarations.
const script = new URL('../../scripts/build-kernel.mjs', import.meta.url).href;
const committed = new URL('../../src/engine/hooks/kernel/countKernelWasm.ts', import.meta.url);

test('countKernelWasm.ts equals moduleSource(await assembleKernel())', async () => {
  const { assembleKernel, moduleSource } = (await import(script)) as BuildKernel;
  const built = moduleSource(await assembleKernel());
  assert.equal(await readFile(committed, 'utf8'), built, 'run `npm run build:kernel` after editing countKernel.wat');
});

test('the module is a valid SIMD WebAssembly module exporting memory and accumulate', async () => {
  const { COUNT_KERNEL_WASM_BASE64 } = await import('../../src/engine/hooks/kernel/countKernelWasm.ts');
  const mod = new WebAssembly.Module(Buffer.from(COUNT_KERNEL_WASM_BASE64, 'base64'));
  assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => `${e.kind}:${e.name}`).sort(), ['function:accumulate', 'memory:memory']);
});
