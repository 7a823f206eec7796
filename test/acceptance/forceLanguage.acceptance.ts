import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline, demoModelPath } from '../../src/pipeline/index.ts';
import type { Pipeline } from '../../src/pipeline/types.ts';
import { identifyLanguage } from '../../src/corpus/identifyLanguage.ts';
import { PAPER_LANGUAGES } from '../../src/protocol/paperLanguages.ts';
import { completionRequest } from '../../src/protocol/completionRequest.ts';
import { forceLanguageSpec } from '../../src/protocol/steering.ts';
import { mvicunaPrompts } from '../../scripts/demo-model/mvicunaPrompts.ts';

// Acceptance (issues 4 and 6), run by `npm run test:acceptance`: steering on the committed demo
// model, through the same request
// the editor's inline completion provider sends (completionRequest).
const LANGS = [...PAPER_LANGUAGES];
const PROMPTS_PER_LANGUAGE = 3;

let pipeline: Pipeline;
let resultsDir: string;

before(async () => {
  assert.ok(existsSync(demoModelPath()), `the demo model is committed at ${demoModelPath()}; rebuild it with npm run build:demo-model`);
  pipeline = createPipeline();
  resultsDir = join(mkdtempSync(join(tmpdir(), 'lape-steer-')), 'demo');
  await pipeline.detect({ model: 'demo', languages: LANGS, budget: 12_000, evalBudget: 0, sequenceLength: 256, outDir: resultsDir });
});

after(() => pipeline?.dispose());

// The project's one language identifier, restricted to the languages under test.
const languageOf = (text: string) => identifyLanguage(text, { among: LANGS });

const prompts = () => mvicunaPrompts(LANGS, PROMPTS_PER_LANGUAGE);

async function continuation(prompt: string, steering?: ReturnType<typeof forceLanguageSpec>): Promise<string> {
  const req = completionRequest({ model: 'demo', resultsDir, prefix: prompt, suffix: '', steering, settings: { maxTokens: 24 } });
  return (await pipeline.generate({ ...req, stop: undefined })).text;
}

for (const target of ['fr', 'zh', 'es']) {
  test(`"Force output language: ${target}" makes completions ${target} more often than unsteered ones (mvicuna prompts)`, async () => {
    let plain = 0;
    let forced = 0;
    const all = prompts().filter((p) => p.lang !== target);
    for (const p of all) {
      if (languageOf(await continuation(p.text)) === target) plain++;
      if (languageOf(await continuation(p.text, forceLanguageSpec(LANGS, target))) === target) forced++;
    }
    console.log(`# ${target}: unsteered ${plain}/${all.length}, forced ${forced}/${all.length}`);
    assert.ok(forced > plain, `forced ${forced} vs unsteered ${plain} of ${all.length}`);
  });
}

test('deactivating the language of the prompt lowers that language in its continuations', async () => {
  let plain = 0;
  let deactivated = 0;
  const all = prompts();
  for (const p of all) {
    if (languageOf(await continuation(p.text)) === p.lang) plain++;
    const req = completionRequest({ model: 'demo', resultsDir, prefix: p.text, suffix: '', steering: { deactivate: [p.lang] }, settings: { maxTokens: 24 } });
    if (languageOf((await pipeline.generate({ ...req, stop: undefined })).text) === p.lang) deactivated++;
  }
  console.log(`# own language kept: unsteered ${plain}/${all.length}, deactivated ${deactivated}/${all.length}`);
  assert.ok(deactivated < plain, `deactivated ${deactivated} vs unsteered ${plain} of ${all.length}`);
});
