// The check every engine bad-input test makes: the call fails with a typed EngineError of
// `code` whose message mentions each of `mentions` (the culprit and the fix).
import assert from 'node:assert/strict';
import { EngineError, type EngineErrorCode } from '../../src/engine/index.ts';

export async function rejectsWith(p: Promise<unknown> | (() => unknown), code: EngineErrorCode, ...mentions: (string | RegExp)[]): Promise<EngineError> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof EngineError, `expected an EngineError "${code}", got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const m of mentions) {
    if (typeof m === 'string') assert.ok(error.message.includes(m), `"${error.message}" should mention "${m}"`);
    else assert.match(error.message, m);
  }
  return error;
}
