import { basename, join, resolve } from 'node:path';
import { readModelFacts, readTensorFloat32 } from '../engine/index.ts';
import { GgufWriter } from '../gguf/ggufWriter.ts';
import { PipelineError } from './PipelineError.ts';
import { checkSameModel } from './checkSameModel.ts';
import { readResults } from './resultsFolder.ts';

/**
 * A LoRA adapter GGUF that deactivates language L's neurons in any llama.cpp program
 * (`llama-server --lora`, node-llama-cpp's `lora` option). Zeroing the columns S of
 * ffn_down is a rank-|S| update W' = W + B A with A the rows of the identity at S
 * ([n_ff] -> [|S|]) and B = -W[:, S]; alpha = rank makes llama.cpp's scale exactly 1.
 *
 * W is read from the model the user detected on, whatever its type: quantized ffn_down
 * weights (Q8_0, Q5_0, K-quants) are dequantized by llama.cpp's own to_float, so B
 * cancels exactly the values llama.cpp multiplies by.
 */
export async function exportLora(resultsDir: string, language: string | undefined, modelPath: string, out?: string): Promise<string[]> {
  const { summary, neurons } = readResults(resultsDir);
  if (!language) throw new PipelineError('bad-argument', `Say which language's neurons the adapter deactivates (--language ${summary.languages.join('|')}).`);
  const li = summary.languages.indexOf(language);
  if (li < 0) throw new PipelineError('bad-argument', `"${language}" is not among the detected languages (${summary.languages.join(', ')}).`);
  const facts = await readModelFacts(modelPath);
  checkSameModel(resultsDir, summary.model, facts, `The adapter must match the model it was detected on: give that model with --model, or detect again with this one (lape detect --model ${facts.path} --out DIR).`);
  const w = new GgufWriter();
  w.setString('general.architecture', facts.architecture);
  w.setString('general.type', 'adapter');
  w.setString('general.name', `lape deactivate ${language} (${basename(modelPath)})`);
  w.setString('adapter.type', 'lora');
  let rankTotal = 0;
  for (let layer = 0; layer < facts.nLayer; layer++) {
    const cols = neurons.neurons[li][layer];
    if (!cols || cols.length === 0) continue;
    const name = `blk.${layer}.ffn_down.weight`;
    const { data, shape } = await readTensorFloat32(modelPath, name);
    const [nFf, nEmbd] = shape;
    const r = cols.length;
    const a = new Float32Array(nFf * r);
    cols.forEach((j, k) => (a[k * nFf + j] = 1));
    const b = new Float32Array(r * nEmbd);
    for (let o = 0; o < nEmbd; o++) for (let k = 0; k < r; k++) b[o * r + k] = -data[o * nFf + cols[k]];
    w.addTensor({ name: `${name}.lora_a`, shape: [nFf, r], type: 'f32', data: a });
    w.addTensor({ name: `${name}.lora_b`, shape: [r, nEmbd], type: 'f32', data: b });
    rankTotal += r;
  }
  if (rankTotal === 0) throw new PipelineError('bad-argument', `${language} has no neurons in ${resultsDir}; there is nothing to deactivate.`);
  // llama.cpp scales each pair by alpha / rank, one alpha per adapter; layers differ in
  // rank, and alpha 0 means "scale = the adapter scale" (1) for all of them.
  w.setFloat32('adapter.lora.alpha', 0);
  const path = resolve(out ?? join(resultsDir, `deactivate-${language}.lora.gguf`));
  await w.write(path);
  return [path];
}
