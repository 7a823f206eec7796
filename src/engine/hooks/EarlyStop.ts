/**
 * When a pass only observes and nobody reads its logits, the work after the last layer's
 * pre-activation (that layer's FFN, the output norm and the output head, 58% of the FLOPs per
 * token on Gemma 3 270M) is wasted. Returning `false` from the eval callback's non-ask phase
 * makes llama.cpp's scheduler leave the current split (the `break` in
 * ggml_backend_sched_compute_splits). The KV cache is already written by then: every layer's
 * attention, the last one's included, comes before the last FFN in graph order.
 *
 * The `break` only leaves the current split; later splits (partial GPU offload) still run, on
 * values that were never computed. That is harmless as long as every wanted tensor came before
 * the stop, so the stop is taken only once every layer's pre-activation of this llama_decode
 * has been handled (which graph order implies, and this checks), and callbacks that still come
 * after it are counted as another split's and answered "not wanted". The logits of a stopped
 * pass are garbage either way: the context refuses to hand them out.
 */
export class EarlyStop {
  private readonly seen: Uint8Array;
  private nSeen = 0;
  /** Whether this pass may stop early at all (observe-only hooks, logits not wanted). */
  private enabled = false;
  /** The current llama_decode stopped early. */
  stopped = false;
  /** Callbacks in the current llama_decode after the stop: nodes of later splits. */
  laterSplitCalls = 0;
  /** llama_decode calls that stopped early since the context was made; for tests and the benchmark. */
  stops = 0;

  constructor(private readonly nLayer: number) {
    this.seen = new Uint8Array(nLayer);
  }

  /** Before each llama_decode. */
  begin(enabled: boolean): void {
    this.enabled = enabled;
    this.seen.fill(0);
    this.nSeen = 0;
    this.stopped = false;
    this.laterSplitCalls = 0;
  }

  /**
   * After the pre-activation of `layer` was handled: true when the callback should now
   * return false to skip the rest of the split.
   */
  handledPre(layer: number): boolean {
    if (this.seen[layer] === 0) {
      this.seen[layer] = 1;
      this.nSeen++;
    }
    if (!this.enabled || layer !== this.nLayer - 1 || this.nSeen !== this.nLayer) return false;
    this.stopped = true;
    this.stops++;
    return true;
  }

  /** At the start of every callback: true if the pass already stopped (so this is a later split). */
  afterStop(): boolean {
    if (!this.stopped) return false;
    this.laterSplitCalls++;
    return true;
  }
}
