import { ActivationRecorder, LlamaEngine } from '../src/engine/index.ts';

export interface CaptureFigures {
  model: string;
  file: string;
  batch: number;
  batches: number;
  plainTokensPerSecond: number;
  captureTokensPerSecond: number;
  /** Capture-over-plain throughput, the WASM kernel: the median of the ratios of adjacent runs. */
  captureRatio: number;
  /** The same with the plain JavaScript counting loop, for comparison. */
  jsCaptureTokensPerSecond?: number;
  jsCaptureRatio?: number;
  /** Tensors handed to the callback and copied out, nothing counted: the graph split's share. */
  copyOnlyRatio?: number;
  /**
   * Share of a capture run's wall time spent inside the callback copying and counting
   * (median). Unlike the ratios it does not depend on the machine's speed drifting between
   * runs, so it is the steadier figure on a shared machine: the ratio cannot beat 1 - share.
   */
  callbackShare: number;
}

/**
 * Tokens per second of plain evaluation and of evaluation while observing every layer,
 * on the same context settings (every position computed, no logits copied, as detection
 * runs). Runs alternate so that machine noise hits both alike.
 */
export async function captureBench(engine: LlamaEngine, label: string, file: string, batch: number, reps: number, log: (s: string) => void): Promise<CaptureFigures> {
  const model = await engine.loadModel(file);
  try {
    const ctx = model.createContext({ contextSize: batch, batchSize: batch });
    const tokens = Array.from({ length: batch }, (_, i) => 3 + ((i * 7919) % 256));
    const opts = { outputs: 'all' as const, logits: false };
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    const run = (kind: 'plain' | 'wasm' | 'js' | 'none'): number => {
      if (kind !== 'plain') ctx.dispatcher.kernelKind = kind;
      const hooks = kind === 'plain' ? undefined : { recorder: rec };
      const t0 = performance.now();
      ctx.evaluate(tokens, { ...opts, hooks });
      return (performance.now() - t0) / 1000;
    };
    // Warm-up: weights paged in, graphs of both shapes (whole, and split at the FFN) allocated.
    run('plain');
    run('wasm');
    const sums = { plain: 0, wasm: 0, js: 0 };
    const wasmRatios: number[] = [];
    const jsRatios: number[] = [];
    const copyRatios: number[] = [];
    const handledShares: number[] = [];
    for (let r = 0; r < reps; r++) {
      // Plain runs on both sides of each capture run (ABBA), so a drift in machine speed
      // during the pair does not land on one side; the pair's ratio is what compares.
      const p1 = run('plain');
      ctx.dispatcher.handledMs = 0;
      const w = run('wasm');
      handledShares.push(ctx.dispatcher.handledMs / 1000 / w);
      const j = run('js');
      const c = run('none');
      const p2 = run('plain');
      const p = (p1 + p2) / 2;
      wasmRatios.push(p / w);
      jsRatios.push(p / j);
      copyRatios.push(p / c);
      sums.plain += p;
      sums.wasm += w;
      sums.js += j;
      log(`  ${label}: batch ${r + 1}/${reps}: plain ${(batch / p).toFixed(1)} tok/s, capture ${(batch / w).toFixed(1)} tok/s (ratio ${(p / w).toFixed(3)}, ${(100 * handledShares[r]).toFixed(1)}% of it in the callback), JS loop ${(p / j).toFixed(3)}, copy only ${(p / c).toFixed(3)}`);
    }
    ctx.dispatcher.kernelKind = 'wasm';
    const n = batch * reps;
    return {
      model: label,
      file,
      batch,
      batches: reps,
      plainTokensPerSecond: n / sums.plain,
      captureTokensPerSecond: n / sums.wasm,
      captureRatio: median(wasmRatios),
      jsCaptureTokensPerSecond: n / sums.js,
      jsCaptureRatio: median(jsRatios),
      copyOnlyRatio: median(copyRatios),
      callbackShare: median(handledShares),
    };
  } finally {
    model.dispose();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
