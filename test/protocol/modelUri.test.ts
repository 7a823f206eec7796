import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkModelUri } from '../../src/protocol/modelUri.ts';

test('Hugging Face URIs and https URLs pass; anything else says what is expected', () => {
  for (const ok of ['hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M', 'hf:user/repo/model.gguf#main', ' hf:user/repo ', 'https://example.com/m.gguf']) {
    assert.equal(checkModelUri(ok), undefined, ok);
  }
  for (const bad of ['Qwen/Qwen2.5', 'hf:', 'hf:user', 'ftp://x/m.gguf', '']) {
    assert.match(checkModelUri(bad)!, /hf:owner\/repo:Q4_K_M/, bad);
  }
});
