// Each committed WASM module is what scripts/build-kernel.mjs assembles from the committed .wat,
// so the kernel that runs is the one whose source is reviewed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

interface Kernel {
  wat: string;
  out: string;
  constant: string;
}
interface BuildKernel {
  KERNELS: Kernel[];
  assembleKernel(kernel: Kernel): Promise<string>;
  moduleSource(base64: string, kernel: Kernel): string;
}

// A URL, not a literal specifier: the script is plain JavaScript without type declarations.
const script = new URL('../../scripts/build-kernel.mjs', import.meta.url).href;
const { KERNELS, assembleKernel, moduleSource } = (await import(script)) as BuildKernel;

const EXPORTS: Record<string, string[]> = {
  COUNT_KERNEL_WASM_BASE64: ['function:accumulate', 'memory:memory'],
  LOG_SUM_EXP_WASM_BASE64: ['function:rowMax', 'function:sumExp', 'memory:memory'],
};

test('the build script knows every kernel', () => {
  assert.deepEqual(KERNELS.map((k) => k.constant).sort(), Object.keys(EXPORTS).sort());
});

for (const kernel of KERNELS) {
  test(`${kernel.out} equals moduleSource(await assembleKernel()) of ${kernel.wat}`, async () => {
    const committed = new URL(`../../${kernel.out}`, import.meta.url);
    assert.equal(await readFile(committed, 'utf8'), moduleSource(await assembleKernel(kernel), kernel), `run \`npm run build:kernel\` after editing ${kernel.wat}`);
  });

  test(`${kernel.constant} is a valid SIMD WebAssembly module with the expected exports`, async () => {
    const mod = (await import(new URL(`../../${kernel.out}`, import.meta.url).href)) as Record<string, string>;
    const wasm = new WebAssembly.Module(Buffer.from(mod[kernel.constant], 'base64'));
    assert.deepEqual(WebAssembly.Module.exports(wasm).map((e) => `${e.kind}:${e.name}`).sort(), EXPORTS[kernel.constant]);
  });
}
