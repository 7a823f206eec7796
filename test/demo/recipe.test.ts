// The demo-model recipe still runs end to end: a tiny model, a few dozen llama_opt steps,
// a loss that falls, and a GGUF whose learned vocabulary round-trips text in llama.cpp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaEngine } from '../../src/engine/index.ts';
import { DEMO_RECIPE, buildDemoModel, type DemoRecipe } from '../../scripts/demo-model/recipe.ts';
import { MULTILINGUAL_SAMPLES } from '../gguf/multilingualSamples.ts';

const dir = await mkdtemp(join(tmpdir(), 'lape-demo-recipe-'));
test.after(() => rm(dir, { recursive: true, force: true }));

const TINY: DemoRecipe = {
  ...DEMO_RECIPE,
  // zh and ja bring ~620 characters; 1024 leaves room for ~140 merges.
  vocabSize: 1024,
  nLayer: 1,
  nEmbd: 32,
  nFf: 64,
  nHead: 2,
  epochs: 3,
  rowsPerEpochScale: 0.3,
  learningRate: 3e-3,
  minLearningRate: 1e-3,
  warmupSteps: 5,
  evalBudget: 300,
};

test('a short run of the recipe trains: the loss falls and the model scores held-out text', async () => {
  const { modelPath, card } = await buildDemoModel(TINY, { outDir: join(dir, 'out'), workDir: join(dir, 'work'), threads: 1 });
  const curve = card.training.lossCurve;
  assert.ok(card.training.steps >= 30, `${card.training.steps} steps`);
  assert.ok(curve.length >= 10);
  const first = curve[0].loss;
  const last = curve[curve.length - 1].loss;
  // Initial loss is about ln(1024) = 6.9 nats/token; a few dozen steps take off well over one nat.
  assert.ok(first > 6, `first block loss ${first}`);
  assert.ok(last < first - 1, `loss ${first} -> ${last}`);
  assert.equal(card.heldOut.perLanguage.length, TINY.languages.length);
  for (const h of card.heldOut.perLanguage) {
    assert.ok(h.tokens > 0 && Number.isFinite(h.natsPerToken), `${h.lang}: ${h.natsPerToken} over ${h.tokens} tokens`);
  }

  const engine = await LlamaEngine.create();
  try {
    const model = await engine.loadModel(modelPath);
    assert.equal(model.nVocab, card.vocab.size);
    for (const [lang, text] of Object.entries(MULTILINGUAL_SAMPLES)) {
      const tokens = model.tokenize(text, { addSpecial: false });
      // U+2581 is the space piece itself, so it comes back as a space (see src/gguf/byteVocab.ts).
      assert.equal(model.detokenize(tokens), text.replaceAll('\u2581', ' '), `${lang}: round trip`);
    }
    // Learned merges are used: English needs fewer tokens than characters.
    assert.ok(card.vocab.merges > 0);
    const en = MULTILINGUAL_SAMPLES.en;
    assert.ok(model.tokenize(en, { addSpecial: false }).length < 0.8 * en.length, `${model.tokenize(en, { addSpecial: false }).length} tokens for ${en.length} characters`);
  } finally {
    engine.dispose();
  }
});
