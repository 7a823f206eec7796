import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSequences, isEvalDocument, type BuildSequencesOptions } from '../../src/corpus/buildSequences.ts';
import { CorpusError } from '../../src/corpus/errors.ts';

// The real tokenizer is the model's; UTF-8 bytes keep these tests exact and readable.
const bytes = (text: string): Int32Array => Int32Array.from(Buffer.from(text, 'utf8'));
const decode = (tokens: Int32Array): string => Buffer.from(Uint8Array.from(tokens)).toString('utf8');

function documents(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `document ${i} ${'x'.repeat(i % 7)}`);
}

function options(extra: Partial<BuildSequencesOptions> = {}): BuildSequencesOptions {
  return { tokenize: bytes, seqLen: 16, detectBudget: 1_000_000, evalBudget: 1_000_000, ...extra };
}

test('the split rule holds out an even share of documents, independent of everything else', () => {
  const held = Array.from({ length: 100 }, (_, i) => i).filter((i) => isEvalDocument(i, 0.1));
  assert.deepEqual(held, [4, 14, 24, 34, 44, 54, 64, 74, 84, 94]);
  assert.equal(Array.from({ length: 1000 }, (_, i) => i).filter((i) => isEvalDocument(i, 0.25)).length, 250);
  assert.ok(!Array.from({ length: 50 }, (_, i) => i).some((i) => isEvalDocument(i, 0)));
});

test('sequences are seqLen long, the last may be shorter, and the text round-trips per side', async () => {
  const docs = documents(40);
  const result = await buildSequences(docs, options());
  assert.ok(result.detect.slice(0, -1).every((s) => s.length === 16));
  assert.ok(result.detect.at(-1)!.length <= 16);
  assert.equal(result.detectTokens, result.detect.reduce((n, s) => n + s.length, 0));
  assert.equal(result.evalTokens, result.evaluation.reduce((n, s) => n + s.length, 0));
  const held = docs.filter((_, i) => isEvalDocument(i, 0.1));
  const kept = docs.filter((_, i) => !isEvalDocument(i, 0.1));
  assert.equal(result.evaluation.map(decode).join(''), held.map((d) => `${d}\n`).join(''));
  assert.equal(result.detect.map(decode).join(''), kept.map((d) => `${d}\n`).join(''));
  assert.deepEqual(result.documents, { read: 40, detect: 36, evaluation: 4 });
  assert.equal(result.exhausted, true);
});

test('the same input gives the same output, and detection and evaluation are disjoint', async () => {
  const docs = documents(200);
  const a = await buildSequences(docs, options({ detectBudget: 2000, evalBudget: 300 }));
  const b = await buildSequences((async function* () { yield* docs; })(), options({ detectBudget: 2000, evalBudget: 300 }));
  assert.deepEqual(a, b);
  const seen = new Set(a.detect.map(decode).join('').split('\n'));
  for (const line of a.evaluation.map(decode).join('').split('\n').filter((l) => l.length > 12)) assert.ok(!seen.has(line), line);
});

test('budgets are exact, include BOS, and a larger budget only adds text', async () => {
  const docs = documents(300);
  const small = await buildSequences(docs, options({ detectBudget: 100, evalBudget: 40, bosToken: 1000 }));
  assert.equal(small.detectTokens, 100);
  assert.equal(small.evalTokens, 40);
  assert.deepEqual(small.detect.map((s) => s.length), [16, 16, 16, 16, 16, 16, 4]);
  assert.ok([...small.detect, ...small.evaluation].every((s) => s[0] === 1000 && s.filter((t) => t === 1000).length === 1));
  assert.equal(small.exhausted, false);
  const large = await buildSequences(docs, options({ detectBudget: 1000, evalBudget: 400, bosToken: 1000 }));
  assert.deepEqual(large.detect.slice(0, 6), small.detect.slice(0, 6));
  assert.deepEqual(large.evaluation.slice(0, 2), small.evaluation.slice(0, 2));
});

test('reading stops once both budgets are met, and full sides are not tokenized', async () => {
  let pulled = 0;
  let tokenized = 0;
  async function* source() {
    for (let i = 0; i < 100_000; i++) {
      pulled++;
      yield `doc ${i}`;
    }
  }
  const result = await buildSequences(source(), options({ detectBudget: 64, evalBudget: 16, tokenize: (t) => { tokenized++; return bytes(t); } }));
  assert.equal(result.detectTokens, 64);
  assert.equal(result.evalTokens, 16);
  assert.ok(pulled < 100, `pulled ${pulled}`);
  assert.equal(result.documents.read, pulled);
  assert.ok(tokenized <= pulled);
});

test('held-out documents stay out of detection when evaluation is off', async () => {
  const docs = documents(30);
  const withEval = await buildSequences(docs, options());
  const without = await buildSequences(docs, options({ evalBudget: 0 }));
  assert.deepEqual(without.detect, withEval.detect);
  assert.deepEqual(without.evaluation, []);
  const all = await buildSequences(docs, options({ evalBudget: 0, evalFraction: 0 }));
  assert.equal(all.detect.map(decode).join(''), docs.map((d) => `${d}\n`).join(''));
});

test('an empty corpus, or one too small to hold anything out, is a typed error naming the language', async () => {
  await assert.rejects(buildSequences([], options({ language: 'vi' })), (e: CorpusError) => e.code === 'empty-corpus' && e.language === 'vi' && /'vi' has no text/.test(e.message));
  await assert.rejects(buildSequences(['a', 'b'], options({ language: 'ja', tokenize: () => [] })), (e: CorpusError) => e.code === 'empty-corpus' && /'ja'/.test(e.message));
  await assert.rejects(buildSequences(['a', 'b'], options({ language: 'id' })), (e: CorpusError) => e.code === 'no-eval-text' && /'id' has only 2 document/.test(e.message));
  const ok = await buildSequences(['a', 'b'], options({ evalBudget: 0 }));
  assert.equal(ok.detectTokens, 4);
});

test('bad options are rejected before reading', async () => {
  for (const bad of [{ seqLen: 0 }, { seqLen: 1, bosToken: 1 }, { detectBudget: 0 }, { evalBudget: -1 }, { evalFraction: 1 }, { detectBudget: 1.5 }]) {
    await assert.rejects(buildSequences(['text'], options(bad)), (e: CorpusError) => e.code === 'bad-option', JSON.stringify(bad));
  }
});

test('an aborted signal stops the build', async () => {
  await assert.rejects(buildSequences(documents(10), options({ signal: AbortSignal.abort() })), { name: 'AbortError' });
});

test('onSequence receives every sequence in order instead of the result keeping them', async () => {
  const docs = documents(100);
  const kept = await buildSequences(docs, options({ detectBudget: 500, evalBudget: 100 }));
  const seen: Record<'detect' | 'evaluation', Int32Array[]> = { detect: [], evaluation: [] };
  const streamed = await buildSequences(docs, options({ detectBudget: 500, evalBudget: 100, onSequence: async (side, tokens) => { seen[side].push(tokens); } }));
  assert.deepEqual(seen, { detect: kept.detect, evaluation: kept.evaluation });
  assert.deepEqual([streamed.detect, streamed.evaluation], [[], []]);
  assert.equal(streamed.detectTokens, kept.detectTokens);
  assert.equal(streamed.textHash, kept.textHash);
});
