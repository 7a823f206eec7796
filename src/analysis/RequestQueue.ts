/**
 * Runs jobs one at a time, in arrival order. The engine holds one model and one context,
 * so two detections at once would only fight over the same memory and cores.
 *
 * A job cancelled while it waits is dropped without running; one cancelled while it runs
 * is told through its AbortSignal and the queue moves on when it settles.
 */
export class RequestQueue {
  private readonly waiting: Entry[] = [];
  private current: string | null = null;

  /** The label of the job now running, or null. */
  get running(): string | null {
    return this.current;
  }

  get queued(): number {
    return this.waiting.length;
  }

  run<T>(label: string, signal: AbortSignal, job: () => Promise<T>): Promise<T> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(entry);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        reject(abortReason(signal));
      };
      const entry: Entry = {
        label,
        start: () => {
          signal.removeEventListener('abort', onAbort);
          let settled: Promise<T>;
          try {
            settled = job();
          } catch (error) {
            settled = Promise.reject(error);
          }
          settled.then(resolve, reject).finally(() => {
            this.current = null;
            this.next();
          });
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      this.next();
    });
  }

  private next(): void {
    if (this.current !== null) return;
    const entry = this.waiting.shift();
    if (!entry) return;
    this.current = entry.label;
    entry.start();
  }
}

interface Entry {
  label: string;
  start(): void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
