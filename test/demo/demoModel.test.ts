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

const path = demoModelPath();
const cardPath = join(path, '..', 'model-card.json');

test('the demo model and its card are committed, and the model is small', () => {
  assert.ok(existsSync(path), `${path} is missing: run npm run build:demo-model`);
  assert.ok(existsSync(cardPath), `${cardPath} is missing`);
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as ModelCard;
  assert.ok(readFileSync(path).length < 8e6);
  assert.deepEqual(card.data.languages, ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja']);
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
      // A uniform byte model pays ln 256 = 5.55 nats per byte and a uniform model over this
      // vocabulary ln(2048) = 7.6 nats per token; the trained model must be far below both:
      // under half the bytes' cost, and at least 1 nat/token (a factor e in perplexity) better.
      assert.ok(h.natsPerByte < 0.5 * Math.log(256), `${h.lang}: ${h.natsPerByte.toFixed(3)} nats/byte`);
      assert.ok(h.natsPerToken < h.uniformNatsPerToken - 1, `${h.lang}: ${h.natsPerToken.toFixed(3)} nats/token vs uniform ${h.uniformNatsPerToken.toFixed(3)}`);
      // The card reports what the committed file does.
      const reported = card.heldOut.perLanguage.find((x) => x.lang === h.lang);
      assert.ok(reported && Math.abs(reported.natsPerToken - h.natsPerToken) < 1e-3, `${h.lang}: card says ${reported?.natsPerToken}, measured ${h.natsPerToken}`);
    }
  } finally {
    engine.dispose();
  }
});
