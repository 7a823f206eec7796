// The startup check of llama.cpp's struct layouts: it passes on the pinned build and turns a
// shifted layout (simulated by a fake API whose defaults differ) into a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../src/engine/index.ts';
import { checkLayout } from '../../src/engine/native/checkLayout.ts';
import { loadLibraries } from '../../src/engine/native/loadLibraries.ts';
import type { LlamaApi } from '../../src/engine/native/llamaApi.ts';

const { api } = await loadLibraries();

/** The real API with one struct's defaults changed, as a different llama.cpp would return them. */
function withDefaults(fn: 'llama_context_default_params' | 'llama_model_default_params' | 'llama_model_quantize_default_params', change: Record<string, unknown>): LlamaApi {
  const real = api[fn] as unknown as () => Record<string, unknown>;
  const fake = () => ({ ...real(), ...change });
  return { ...api, [fn]: fake } as unknown as LlamaApi;
}

test('the real llama.cpp of node-llama-cpp 3.21.1 passes', () => {
  assert.doesNotThrow(() => checkLayout(api));
  const c = api.llama_context_default_params() as Record<string, unknown>;
  assert.deepEqual([c.n_ctx, c.n_batch, c.n_ubatch, c.n_threads], [512, 2048, 512, 4]);
});

const CASES = [
  // A field inserted before n_batch would make n_batch read n_ubatch's 512.
  ['llama_context_default_params', { n_batch: 512 }, 'llama_context_params.n_batch is 512, expected 2048'],
  ['llama_context_default_params', { type_k: 0, flash_attn_type: 7 }, 'llama_context_params.flash_attn_type is 7, expected -1'],
  ['llama_model_default_params', { split_mode: 0 }, 'llama_model_params.split_mode is 0, expected 1'],
  ['llama_model_quantize_default_params', { quantize_output_tensor: false }, 'llama_model_quantize_params.quantize_output_tensor is false'],
] as const;

for (const [fn, change, message] of CASES) {
  test(`a layout whose ${fn}() differs (${JSON.stringify(change)}) fails with layout-mismatch`, () => {
    assert.throws(
      () => checkLayout(withDefaults(fn, change)),
      (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.equal(err.code, 'layout-mismatch');
        assert.ok(err.message.includes(message), err.message);
        assert.ok(err.message.includes('node-llama-cpp 3.21.1') && err.message.includes('npm ci'), 'names the fix');
        return true;
      },
    );
  });
}
