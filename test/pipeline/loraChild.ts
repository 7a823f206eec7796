// Child process of loraExport.test.ts: node-llama-cpp loads the model with the exported
// LoRA adapter (its own `lora` option, as users would) and prints log-probabilities.
// A separate process, because node-llama-cpp registers llama.cpp's backends itself.
import { llamaCppLogProbs, testLlama } from '../reference/llamaCpp.ts';

const [modelPath, loraPath, tokensJson] = process.argv.slice(2);
const tokens = JSON.parse(tokensJson) as number[];
const llama = await testLlama();
const model = await llama.loadModel({ modelPath });
const rows = await llamaCppLogProbs(model, tokens, { loraPath: loraPath !== '-' ? loraPath : undefined });
process.stdout.write(JSON.stringify(rows.map((r) => Array.from(r, (v) => (Number.isFinite(v) ? v : null)))));
await model.dispose();
