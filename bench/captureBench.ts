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
  jsCaptureTokensPerSecond: number;
  jsCaptureRatio: number;
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
    ctx.evaluate(tokens, opts); // warm-up: weights paged in, graph allocated
    const rec = new ActivationRecorder(model.nLayer, model.nFf);
    const time = (f: () => void) => {
      const t0 = performance.now();
      f();
      return (performance.now() - t0) / 1000;
    };
    let plain = 0;
    let wasm = 0;
    let js = 0;
    const wasmRatios: number[] = [];
    const jsRatios: number[] = [];
    for (let r = 0; r < reps; r++) {
      const p = time(() => ctx.evaluate(tokens, opts));
      ctx.dispatcher.kernelKind = 'wasm';
      const w = time(() => ctx.evaluate(tokens, { ...opts, hooks: { recorder: rec } }));
      ctx.dispatcher.kernelKind = 'js';
      const j = time(() => ctx.evaluate(tokens, { ...opts, hooks: { recorder: rec } }));
      // Adjacent runs share the machine's load of the moment; their ratio is what compares.
      wasmRatios.push(p / w);
      jsRatios.push(p / j);
      plain += p;
      wasm += w;
      js += j;
      log(`  ${label}: batch ${r + 1}/${reps}: plain ${(batch / (plain / (r + 1))).toFixed(1)} tok/s, capture ${(batch / (wasm / (r + 1))).toFixed(1)} tok/s`);
    }
    ctx.dispatcher.kernelKind = 'wasm';
    const n = batch * reps;
    return {
      model: label,
      file,
      batch,
      batches: reps,
      plainTokensPerSecond: n / plain,
      captureTokensPerSecond: n / wasm,
      captureRatio: median(wasmRatios),
      jsCaptureTokensPerSecond: n / js,
      jsCaptureRatio: median(jsRatios),
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
