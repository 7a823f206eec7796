import { LOG_SUM_EXP_WASM_BASE64 } from './logSumExpWasm.ts';

interface KernelExports {
  memory: WebAssembly.Memory;
  rowMax(n: number): number;
  sumExp(n: number, max: number): number;
}

const PAGE = 65536;
let compiled: WebAssembly.Module | undefined;

/**
 * log softmax(row)[token] for rows of logits that stay in llama.cpp's output buffer: each row is
 * copied into the kernel's memory (one row, not the whole 512-row matrix), and max and the sum
 * of exp run in WebAssembly SIMD. The result differs from the float64 formula by the kernel's
 * exp error, below 2e-7 relative on the sum, so below about 2e-7 on the log-probability.
 */
export class LogSumExpKernel {
  private readonly exports: KernelExports;
  private row = new Float32Array(0);

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(LOG_SUM_EXP_WASM_BASE64, 'base64'));
    this.exports = new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
  }

  /** log softmax(logits[row])[token] of a [rows][nVocab] matrix, e.g. a view of native memory. */
  logSoftmaxAt(logits: Float32Array, row: number, nVocab: number, token: number): number {
    const src = logits.subarray(row * nVocab, (row + 1) * nVocab);
    const buf = this.rowBuffer(nVocab);
    buf.set(src);
    // SIMD takes whole vectors of 4; the rest (a synthetic byte vocabulary of 259, say) stays in JS.
    const n4 = nVocab & ~3;
    let max = this.exports.rowMax(n4);
    for (let v = n4; v < nVocab; v++) if (src[v] > max) max = src[v];
    let sum = this.exports.sumExp(n4, max);
    for (let v = n4; v < nVocab; v++) sum += Math.exp(src[v] - max);
    return src[token] - max - Math.log(sum);
  }

  private rowBuffer(n: number): Float32Array {
    if (this.row.length !== n || this.row.buffer !== this.exports.memory.buffer) {
      const mem = this.exports.memory;
      if (mem.buffer.byteLength < n * 4) mem.grow(Math.ceil((n * 4 - mem.buffer.byteLength) / PAGE));
      this.row = new Float32Array(mem.buffer, 0, n);
    }
    return this.row;
  }
}
