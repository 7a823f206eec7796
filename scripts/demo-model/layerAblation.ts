// Which FFN layers does a model use at all? Held-out loss per language with nothing changed,
// then with every neuron of one layer deactivated, layer by layer. Neurons in a layer whose
// removal costs nothing cannot steer either, however language-specific LAPE finds them.
//
//   node --import tsx scripts/demo-model/layerAblation.ts [--model demo|PATH] [--eval-budget 2000]
import { parseArgs } from 'node:util';
import { LlamaEngine } from '../../src/engine/index.ts';
import { demoModelPath } from '../../src/pipeline/demoModel.ts';
import { heldOutLoss } from './heldOutLoss.ts';
import { DEMO_RECIPE } from './recipe.ts';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'demo' }, 'eval-budget': { type: 'string', default: '2000' } } });
const path = values.model === 'demo' ? demoModelPath() : values.model!;
const langs = DEMO_RECIPE.languages;
const engine = await LlamaEngine.create();
try {
  const model = await engine.loadModel(path);
  const seqLen = DEMO_RECIPE.contextSize;
  const ctx = model.createContext({ contextSize: seqLen, batchSize: seqLen });
  const all = Array.from({ length: model.nFf }, (_, i) => i);
  const score = async (layers: number[]) => {
    const edits = layers.map((layer) => ({ layer, mode: 'zero' as const, neurons: all }));
    const losses = await heldOutLoss(model, ctx, langs, { seqLen, evalBudget: Number(values['eval-budget']), hooks: edits.length ? { edits } : undefined });
    return losses.map((h) => h.natsPerToken);
  };
  const base = await score([]);
  process.stdout.write(`held-out nats/token (change when the layer's FFN is off)\n${'layer off'.padEnd(10)}${langs.map((l) => l.padStart(8)).join('')}\n`);
  process.stdout.write(`${'none'.padEnd(10)}${base.map((v) => v.toFixed(3).padStart(8)).join('')}\n`);
  for (let layer = 0; layer < model.nLayer; layer++) {
    const off = await score([layer]);
    process.stdout.write(`${String(layer).padEnd(10)}${off.map((v, i) => `${v - base[i] >= 0 ? '+' : ''}${(v - base[i]).toFixed(3)}`.padStart(8)).join('')}\n`);
  }
} finally {
  engine.dispose();
}
