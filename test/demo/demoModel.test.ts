// The committed demo model is a real language model: on the text the pipeline holds out
// (never trained on), its loss per language is far below a uniform model's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlamaEngine } from '../../src/engine/index.ts';
import { demoModelPath } from '../../src/pipeline/demoModel.ts';
import { heldOutLoss } from '../../scripts/demo-model/heldOutLoss.ts';
import type { ModelCard } from '../../scripts/demo-model/modelCard.ts';
import { DEMO_RECIPE } from '../../scripts/demo-model/recipe.ts';

const path = demoModelPath();
const cardPath = join(path, '..', 'model-card.json');

test('the demo model and its card are committed, and the model is small', () => {
  assert.ok(existsSync(path), `${path} is missing: run npm run build:demo-model`);
  assert.ok(existsSync(cardPath), `${cardPath} is missing`);
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as ModelCard;
  assert.ok(readFileSync(path).length < 8e6);
  assert.deepEqual(card.data.languages, ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']);
  // The committed model is what the committed recipe makes: a changed recipe needs a rebuild.
  assert.deepEqual(card.recipe, DEMO_RECIPE, 'model-card.json records another recipe: run npm run build:demo-model');
});

test('held-out loss per language is well below a uniform model', async () => {
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as ModelCard;
  const engine = await LlamaEngine.create();
  try {
    const model = await engine.loadModel(path);
    const ctx = model.createContext({ contextSize: 256, batchSize: 256 });
    const losses = await heldOutLoss(model, ctx, card.data.languages, { seqLen: 256, evalBudget: 2000 });
    for (const h of losses) {
      assert.ok(h.tokens >= 50, `${h.lang}: only ${h.tokens} held-out tokens`);
      // A uniform byte model pays ln 256 = 5.55 nats per byte, and a uniform model over the
      // vocabulary ln(n_vocab) per token (8.3 for 4,096 pieces); the trained model must be far
      // below both: under 40% of the first, and 1.5 nats/token (a factor 4.5 in perplexity)
      // under the second.
      assert.ok(h.natsPerByte < 0.4 * Math.log(256), `${h.lang}: ${h.natsPerByte.toFixed(3)} nats/byte`);
      assert.ok(h.natsPerToken < h.uniformNatsPerToken - 1.5, `${h.lang}: ${h.natsPerToken.toFixed(3)} nats/token vs uniform ${h.uniformNatsPerToken.toFixed(3)}`);
      // The card reports what the committed file does.
      const reported = card.heldOut.perLanguage.find((x) => x.lang === h.lang);
      assert.ok(reported && Math.abs(reported.natsPerToken - h.natsPerToken) < 1e-3, `${h.lang}: card says ${reported?.natsPerToken}, measured ${h.natsPerToken}`);
    }
  } finally {
    engine.dispose();
  }
});
