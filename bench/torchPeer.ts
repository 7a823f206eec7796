import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivationRecorder, LlamaEngine } from '../src/engine/index.ts';
import { writeSyntheticModel } from '../src/gguf/syntheticModel.ts';
import { SHAPES } from './benchModels.ts';

export interface TorchPeerFigures {
  python: string;
  torch: string;
  tokens: number;
  oursTokensPerSecond: number;
  torchTokensPerSecond: number;
  speedup: number;
  neurons: number;
  /** Neurons whose counts differ; near-zero gate values may round to either side. */
  countMismatches: number;
  maxCountDifference: number;
}

const PYTHON = process.env.LAPE_BENCH_PYTHON ?? '/usr/bin/python3';

export function torchAvailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Same F32 model, same token batches: our engine with hooks against PyTorch forward hooks. */
export async function torchPeer(engine: LlamaEngine, threads: number, log: (s: string) => void): Promise<TorchPeerFigures> {
  const shape = SHAPES.tiny;
  const dir = join('.cache', 'bench', 'torch-peer');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tiny-f32.gguf');
  const weights = await writeSyntheticModel(file, { arch: 'llama', nLayer: shape.nLayer, nEmbd: shape.nEmbd, nFf: shape.nFf, nHead: shape.nHead, nCtx: 512, dtype: 'f32', seed: 3 });
  const tensors: Record<string, { file: string; shape: number[] }> = {};
  for (const [name, t] of weights.tensors) {
    const f = `${name}.bin`;
    writeFileSync(join(dir, f), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    tensors[name] = { file: f, shape: t.shape };
  }
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ hparams: weights.hparams, tensors }));
  const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 256 }, (_, i) => 3 + ((i * 31 + b * 97) % 256)));
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(batches));

  log('  PyTorch forward hooks...');
  const peer = JSON.parse(execFileSync(PYTHON, ['bench/torch_peer.py', dir, join(dir, 'tokens.json'), String(threads)], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  log('  ours...');
  const model = await engine.loadModel(file);
  try {
    const ctx = model.createContext({ contextSize: 256, batchSize: 256, threads, exact: true });
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    ctx.evaluate(batches[0], { outputs: 'all', logits: false });
    const t0 = performance.now();
    for (const b of batches) ctx.evaluate(b, { outputs: 'all', logits: false, hooks: { recorder: rec } });
    const secs = (performance.now() - t0) / 1000;
    let mismatches = 0;
    let maxDiff = 0;
    for (let i = 0; i < rec.overZero.length; i++) {
      const d = Math.abs(rec.overZero[i] - peer.overZero[i]);
      if (d > 0) mismatches++;
      maxDiff = Math.max(maxDiff, d);
    }
    const tokens = batches.length * 256;
    return {
      python: PYTHON,
      torch: peer.torch,
      tokens,
      oursTokensPerSecond: tokens / secs,
      torchTokensPerSecond: peer.tokens / peer.seconds,
      speedup: (tokens / secs) / (peer.tokens / peer.seconds),
      neurons: rec.overZero.length,
      countMismatches: mismatches,
      maxCountDifference: maxDiff,
    };
  } finally {
    model.dispose();
  }
}
