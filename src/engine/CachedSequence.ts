/**
 * What sequence 0 of a context's KV cache holds, as far as the context can tell: the token
 * at each position from 0, and the key (hooksKey) of the hooks it was computed with. A
 * cached position is worth reusing only if both match, because an edit upstream changes
 * every key and value computed after it.
 */
export class CachedSequence {
  private tokens: number[] = [];
  private keys: string[] = [];
  /** False once a decode did not continue the sequence: what the cache holds is then unknown. */
  private known = true;

  get length(): number {
    return this.known ? this.tokens.length : 0;
  }

  /** The cache was cleared. */
  reset(): void {
    this.tokens = [];
    this.keys = [];
    this.known = true;
  }

  /** Something changed the cached keys and values behind our back (a control vector). */
  forget(): void {
    this.known = false;
  }

  /** `tokens` were decoded at positions start.. under hooks of key `key`. */
  append(start: number, tokens: ArrayLike<number>, key: string): void {
    if (!this.known || start !== this.tokens.length) return this.forget();
    for (let i = 0; i < tokens.length; i++) {
      this.tokens.push(tokens[i]);
      this.keys.push(key);
    }
  }

  /**
   * How many leading positions hold `tokens[i]` computed under `key`, at most `max`.
   * A position past the first mismatch is never counted, even if it matches: it attended
   * to the mismatched one.
   */
  commonPrefix(tokens: ArrayLike<number>, key: string, max: number): number {
    if (!this.known) return 0;
    const limit = Math.min(max, tokens.length, this.tokens.length);
    let n = 0;
    while (n < limit && this.tokens[n] === tokens[n] && this.keys[n] === key) n++;
    return n;
  }

  /** Positions n.. were removed from the cache. */
  truncate(n: number): void {
    if (!this.known) return;
    this.tokens.length = Math.min(n, this.tokens.length);
    this.keys.length = this.tokens.length;
  }
}
