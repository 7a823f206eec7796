// Child process of loraExport.test.ts: node-llama-cpp loads the model with the exported
// LoRA adapter (its own `lora` option, as users would) and prints log-probabilities.
// A separate process, because node-llama-cpp registers llama.cpp's backends itself.
import type { Token } from 'node-llama-cpp';
import { testLlama } from '../reference/llamaCpp.ts';

const [modelPath, loraPath, tokensJson] = process.argv.slice(2);
const tokens = JSON.parse(tokensJson) as number[];
const llama = await testLlama();
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({
  contextSize: tokens.length + 64,
  batchSize: tokens.length + 64,
  flashAttention: false,
  experimentalKvCacheKeyType: 'F32',
  experimentalKvCacheValueType: 'F32',
  threads: 1,
  ...(loraPath !== '-' ? { lora: { adapters: [{ filePath: loraPath }] } } : {}),
});
const out = await context.getSequence().controlledEvaluate(tokens.map((t) => [t as Token, { generateNext: { probabilities: true } }]));
const rows = tokens.map((_, i) => {
  const probs = out[i]?.next.probabilities;
  if (!probs) throw new Error(`no probabilities at position ${i}`);
  const row: Record<number, number> = {};
  for (const [tok, p] of probs) row[tok] = Math.log(p);
  return row;
});
process.stdout.write(JSON.stringify(rows));
await context.dispose();
await model.dispose();
