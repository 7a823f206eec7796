// Steering on the real model, as `lape generate --force` does it: Gemma 3 270M continues
// "Article 1. " in English unsteered and in French under the default Force recipe and under
// DiffMean, to the project's one language identifier. Same skip rule as gemmaLape.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline } from '../../src/pipeline/index.ts';
import { PAPER_LANGUAGES } from '../../src/protocol/paperLanguages.ts';
import { identifyLanguage } from '../../src/corpus/identifyLanguage.ts';
import { REAL_MODEL, realModelSkip } from './realModel.ts';

// The e2e scenario's prompt and the editor's small detection (UDHR, 1,500 tokens, residual means).
const PROMPT = 'Article 1. ';

test(`${REAL_MODEL}: --force fr writes French where the unsteered model writes English, with either method`, { skip: realModelSkip(), timeout: 15 * 60_000 }, async () => {
  const pipeline = createPipeline();
  const outDir = mkdtempSync(join(tmpdir(), 'lape-gemma-steer-'));
  try {
    await pipeline.detect({ model: REAL_MODEL, languages: [...PAPER_LANGUAGES], corpus: { kind: 'udhr' }, budget: 1_500, outDir, residualMeans: true });
    const gen = (extra: object) => pipeline.generate({ model: REAL_MODEL, resultsDir: outDir, prompt: PROMPT, maxTokens: 24, temperature: 0, ...extra });
    const languageOf = (text: string) => identifyLanguage(text.trim(), { among: [...PAPER_LANGUAGES] }) ?? null;
    const plain = await gen({});
    const force = await gen({ force: 'fr' });
    const diffmean = await gen({ force: 'fr', method: 'diffmean' });
    console.log(`# unsteered: ${JSON.stringify(plain.text)}\n# force fr: ${JSON.stringify(force.text)}\n# diffmean fr: ${JSON.stringify(diffmean.text)}`);
    assert.notEqual(languageOf(plain.text), 'fr', 'unsteered, the prompt must not already lead to French: the test would prove nothing');
    assert.equal(force.method, 'force-neurons', 'the default method');
    assert.equal(languageOf(force.text), 'fr', `Force fr wrote ${JSON.stringify(force.text)}`);
    assert.equal(diffmean.method, 'diffmean');
    assert.equal(languageOf(diffmean.text), 'fr', `DiffMean fr wrote ${JSON.stringify(diffmean.text)}`);
  } finally {
    pipeline.dispose();
    rmSync(outDir, { recursive: true, force: true });
  }
});
