// The model check before any work, on identities alone (no model): which difference refuses,
// what the error names, and identities recorded before contentSha256 existed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelFacts } from '../../src/engine/index.ts';
import { checkSameModel } from '../../src/pipeline/checkSameModel.ts';
import { PipelineError } from '../../src/pipeline/PipelineError.ts';

const facts = { path: '/models/b.gguf', fileName: 'b.gguf', sizeBytes: 1000, headerSha256: 'aa'.repeat(32), contentSha256: 'bb'.repeat(32) } as ModelFacts;
const recorded = { fileName: 'a.gguf', sizeBytes: 1000, headerSha256: 'aa'.repeat(32), contentSha256: 'bb'.repeat(32) };
const refused = (re: RegExp) => (e: unknown) => e instanceof PipelineError && e.code === 'model-mismatch' && re.test(e.message);

test('the same size and hashes pass, whatever the file is called', () => {
  assert.doesNotThrow(() => checkSameModel('run/', recorded, facts));
});

test('other tensor data under the same header is refused, naming both files, both content hashes and the fix', () => {
  const other = { ...recorded, contentSha256: 'cc'.repeat(32) };
  assert.throws(
    () => checkSameModel('run/', other, facts),
    refused(/^run\/ was made with a\.gguf, not b\.gguf: the GGUF headers are the same but the tensor data differs \(content sha256 cccccccccccc… vs bbbbbbbbbbbb…\), so the two files hold different weights under the same metadata .*\. Choose the model it was made with, or detect again with this one \(lape detect --model \/models\/b\.gguf --out DIR\)\.$/),
  );
  assert.throws(() => checkSameModel('run/', { ...recorded, sizeBytes: 999 }, facts), refused(/999 bytes vs 1000/));
  assert.throws(() => checkSameModel('run/', { ...recorded, headerSha256: '00'.repeat(32) }, facts), refused(/\(header sha256 000000000000… vs aaaaaaaaaaaa…\)\. Choose/));
});

test('residual means record no name or size: the hashes decide, and the given fix is named', () => {
  const means = { headerSha256: recorded.headerSha256, contentSha256: 'cc'.repeat(32) };
  assert.throws(() => checkSameModel('run/residual-means.json', means, facts, 'Run detection again with --residual-means.'), refused(/^run\/residual-means\.json was made with another model than b\.gguf: .*Run detection again with --residual-means\.$/));
  assert.doesNotThrow(() => checkSameModel('run/residual-means.json', { headerSha256: recorded.headerSha256, contentSha256: recorded.contentSha256 }, facts));
});

test('an identity recorded before contentSha256 existed is matched on size and header hash alone', () => {
  const { contentSha256: _, ...old } = recorded;
  assert.doesNotThrow(() => checkSameModel('old/', old, facts));
  assert.doesNotThrow(() => checkSameModel('old/', { headerSha256: old.headerSha256 }, facts));
  assert.throws(() => checkSameModel('old/', { ...old, headerSha256: '00'.repeat(32) }, facts), refused(/old\/ was made with a\.gguf/));
});
