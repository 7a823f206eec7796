import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeSyntheticModel } from '../src/gguf/syntheticModel.ts';
import { byteVocab } from '../src/gguf/byteVocab.ts';
import { TokenType, type SpmVocab } from '../src/gguf/spmVocab.ts';
import { quantizeModel, type QuantType } from '../src/engine/index.ts';
import type { SyntheticHparams } from '../src/gguf/syntheticArch.ts';

/** A model shape to benchmark: the synthetic writer's own hyperparameters, named. */
export interface BenchShape extends Pick<SyntheticHparams, 'arch' | 'nLayer' | 'nEmbd' | 'nFf' | 'nHead' | 'nHeadKv' | 'nVocab'> {
  name: string;
}

/** Shapes of real models; the weights are random, which costs the same to evaluate. */
export const SHAPES: Record<string, BenchShape> = {
  'qwen2.5-0.5b': { name: 'Qwen2.5-0.5B-shaped', arch: 'qwen2', nLayer: 24, nEmbd: 896, nFf: 4864, nHead: 14, nHeadKv: 2, nVocab: 151936 },
  'llama-2-7b': { name: 'Llama-2-7B-shaped', arch: 'llama', nLayer: 32, nEmbd: 4096, nFf: 11008, nHead: 32, nHeadKv: 32, nVocab: 32000 },
  // The synthetic writer holds every weight in memory as F32, and once more rounded to F16
  // (about 70 GB for all 32 layers, 15 GB for 6). Capture costs the same per layer as
  // evaluation does, so 6 of the 32 layers give the same ratio, but for the output layer,
  // which weighs 10% of the plain time here instead of 2%: that moves a 4% overhead by 0.3%.
  'llama-2-7b-6l': { name: 'Llama-2-7B-shaped layers (6 of 32)', arch: 'llama', nLayer: 6, nEmbd: 4096, nFf: 11008, nHead: 32, nHeadKv: 32, nVocab: 32000 },
  tiny: { name: 'tiny llama (F32, for the PyTorch comparison)', arch: 'llama', nLayer: 4, nEmbd: 256, nFf: 1024, nHead: 4, nHeadKv: 4, nVocab: 260 },
};

/** The byte vocabulary padded with filler pieces to the real model's vocabulary size. */
function paddedVocab(n: number): SpmVocab {
  const base = byteVocab();
  if (n <= base.tokens.length) return base;
  const extra = n - base.tokens.length;
  const tokens = [...base.tokens, ...Array.from({ length: extra }, (_, i) => `\u0001filler${i}`)];
  const scores = new Float32Array(n);
  scores.set(base.scores);
  const tokenTypes = new Int32Array(n);
  tokenTypes.set(base.tokenTypes);
  tokenTypes.fill(TokenType.unused, base.tokens.length);
  return { ...base, tokens, scores, tokenTypes };
}

/** Builds (once, cached under .cache/bench) the model of a shape in a quantization. */
export async function benchModel(key: string, quant: QuantType | 'F16' | 'F32', log: (s: string) => void): Promise<string> {
  const shape = SHAPES[key];
  const dir = join('.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${key}-${quant === 'F32' ? 'f32' : 'f16'}.gguf`);
  const out = join(dir, `${key}-${quant.toLowerCase()}.gguf`);
  if (existsSync(out)) return out;
  if (!existsSync(base)) {
    log(`writing ${shape.name} (${quant === 'F32' ? 'F32' : 'F16'}) to ${base}...`);
    await writeSyntheticModel(base, {
      arch: shape.arch, nLayer: shape.nLayer, nEmbd: shape.nEmbd, nFf: shape.nFf, nHead: shape.nHead, nHeadKv: shape.nHeadKv,
      nCtx: 4096, dtype: quant === 'F32' ? 'f32' : 'f16', seed: 1, vocab: paddedVocab(shape.nVocab),
    });
  }
  if (quant === 'F16' || quant === 'F32') return base;
  log(`quantizing to ${quant}...`);
  await quantizeModel(base, out, quant);
  if (key.startsWith('llama-2-7b')) rmSync(base); // 3 or 13 GB of F16; only the quantized file is kept
  return out;
}
