// Ghost text through the pipeline: a completion request asks for KV-cache reuse, and
// consecutive keystrokes then evaluate only the new prompt tokens, with the same text as a
// fresh cache. Prompts are near 512 tokens, where the context size would otherwise change
// with every keystroke (and with it the context and its cache).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EngineSession } from '../../src/pipeline/EngineSession.ts';
import { runGenerate } from '../../src/pipeline/runGenerate.ts';
import { completionRequest } from '../../src/protocol/completionRequest.ts';
import { testModel } from '../engine/testModels.ts';

const { path } = await testModel({ arch: 'llama', seed: 17, nCtx: 2048 });
const session = new EngineSession();
after(() => session.dispose());
// One byte token per character, after BOS: 509 + 1 prompt tokens and 4 to generate pass 512.
const DOC = 'Tous les êtres humains naissent libres et égaux en dignité et en droits. '.repeat(8).slice(0, 509);

function request(prefix: string) {
  return { ...completionRequest({ model: path, prefix, suffix: '', settings: { maxTokens: 4, maxPrefixChars: 10_000 } }), threads: 1 };
}

test('completion requests reuse the cache across keystrokes, with the text a fresh cache gives', async () => {
  assert.equal(request(DOC).reuseCache, true, 'completions ask for reuse');
  const first = await runGenerate(session, request(DOC));
  assert.equal(first.promptTokensEvaluated, 1 + new TextEncoder().encode(DOC).length);
  for (const typed of ['T', 'To', 'Tou']) {
    const got = await runGenerate(session, request(DOC + typed));
    // The previous request left its whole prompt in the cache: only the new character is read.
    assert.equal(got.promptTokensEvaluated, 1, `after typing "${typed}"`);
    const fresh = await runGenerate(session, { ...request(DOC + typed), reuseCache: false });
    assert.equal(fresh.promptTokensEvaluated, first.promptTokensEvaluated! + typed.length, 'without reuse the whole prompt is evaluated');
    assert.equal(got.text, fresh.text);
  }
});
