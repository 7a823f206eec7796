// Shared by the LoRA export tests: log-probabilities from node-llama-cpp itself (a child
// process, loraChild.ts) with or without an adapter, and the hook deactivation they are
// compared with.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LlamaEngine } from '../../src/engine/index.ts';
import { logSoftmax } from '../../src/engine/logits.ts';

/** Log-probabilities at every position, from node-llama-cpp with `lora` ('-': none). */
export function llamaCppLogProbs(model: string, lora: string, tokens: number[], nVocab: number): Float64Array[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'loraChild.ts'), model, lora, JSON.stringify(tokens)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return (JSON.parse(out) as (number | null)[][]).map((row) => {
    const lp = new Float64Array(nVocab).fill(-Infinity);
    row.forEach((v, k) => { if (v !== null) lp[k] = v; });
    return lp;
  });
}

/** The engine's log-probabilities with `sets[layer]` zeroed by the hook, and without edits. */
export async function hookLogProbs(modelPath: string, tokens: number[], zeroed: number[][]): Promise<{ hooked: Float64Array[]; plain: Float64Array[]; nVocab: number }> {
  const engine = await LlamaEngine.create();
  try {
    const model = await engine.loadModel(modelPath);
    const ctx = model.createContext({ contextSize: 256, threads: 1, exact: true });
    const edits = zeroed.map((neurons, layer) => ({ layer, neurons, mode: 'zero' as const }));
    const hooked = ctx.evaluate(tokens, { hooks: { edits } });
    const plain = ctx.evaluate(tokens);
    const nV = model.nVocab;
    return { hooked: tokens.map((_, i) => logSoftmax(hooked, i, nV)), plain: tokens.map((_, i) => logSoftmax(plain, i, nV)), nVocab: nV };
  } finally {
    engine.dispose();
  }
}

/** max |a - b| over every position and token. */
export function maxDiff(a: Float64Array[], b: Float64Array[]): number {
  let m = 0;
  a.forEach((row, i) => { for (let j = 0; j < row.length; j++) m = Math.max(m, Math.abs(row[j] - b[i][j])); });
  return m;
}
