import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionScheduler, type Cancellation, type Clock, type CompletionKey } from '../../src/extension/completion/CompletionScheduler.ts';

/** A clock that only moves when the test says so. */
class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now() { return this.t; }
  setTimeout(fn: () => void, ms: number) { const id = this.next++; this.timers.push({ at: this.t + ms, fn, id }); return id; }
  clearTimeout(h: unknown) { this.timers = this.timers.filter((x) => x.id !== h); }
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

class Token implements Cancellation {
  isCancellationRequested = false;
  private listeners: (() => void)[] = [];
  onCancellationRequested(l: () => void) { this.listeners.push(l); return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } }; }
  cancel() { this.isCancellationRequested = true; this.listeners.forEach((l) => l()); }
}

const key = (prefix: string): CompletionKey => ({ prefix, suffix: '', context: 'force fr' });

test('waits for the debounce before asking the model, and caches by prefix and suffix', async () => {
  const clock = new FakeClock();
  const asked: string[] = [];
  const s = new CompletionScheduler(async (k) => { asked.push(k.prefix); return ` suite de ${k.prefix}`; }, { debounceMs: 200, timeoutMs: 5000, cacheSize: 10 }, clock);
  const p = s.complete(key('Bonjour'), new Token());
  await clock.advance(199);
  assert.equal(asked.length, 0, 'nothing before the debounce');
  await clock.advance(1);
  assert.equal(await p, ' suite de Bonjour');
  assert.deepEqual(asked, ['Bonjour']);
  assert.equal(await s.complete(key('Bonjour'), new Token()), ' suite de Bonjour', 'second time from the cache, without waiting');
  assert.equal(asked.length, 1);
  assert.notEqual(await Promise.all([s.complete({ ...key('Bonjour'), suffix: 'x' }, new Token()), clock.advance(200)]).then(([r]) => r), undefined);
  assert.equal(asked.length, 2, 'a different suffix is a different key');
});

test('typing again cancels the pending request and aborts the model call in flight', async () => {
  const clock = new FakeClock();
  let aborted = 0;
  let calls = 0;
  const s = new CompletionScheduler((_k, signal) => new Promise((resolve) => {
    calls++;
    signal.addEventListener('abort', () => { aborted++; resolve('late'); });
  }), { debounceMs: 100, timeoutMs: 10_000, cacheSize: 10 }, clock);
  const t1 = new Token();
  const first = s.complete(key('a'), t1);
  await clock.advance(50);
  t1.cancel(); // the user typed during the debounce: no model call at all
  assert.equal(await first, undefined);
  assert.equal(calls, 0);
  const t2 = new Token();
  const second = s.complete(key('ab'), t2);
  await clock.advance(100);
  assert.equal(calls, 1);
  const third = s.complete(key('abc'), new Token()); // a newer request aborts the older call
  await flush();
  assert.equal(aborted, 1);
  assert.equal(await second, undefined, 'an aborted answer is not shown');
  await clock.advance(100);
  assert.equal(calls, 2);
  void third;
});

test('a request that outlives the time cap is aborted and shows nothing', async () => {
  const clock = new FakeClock();
  let sawAbort = false;
  const s = new CompletionScheduler((_k, signal) => new Promise((resolve) => signal.addEventListener('abort', () => { sawAbort = true; resolve('too late'); })), { debounceMs: 10, timeoutMs: 1000, cacheSize: 10 }, clock);
  const p = s.complete(key('slow'), new Token());
  await clock.advance(10);
  await clock.advance(999);
  assert.equal(sawAbort, false);
  await clock.advance(1);
  assert.equal(sawAbort, true);
  assert.equal(await p, undefined);
  sawAbort = false;
  const again = s.complete(key('slow'), new Token());
  await clock.advance(10);
  assert.equal(sawAbort, false, 'a timed-out answer is not cached: the model is asked again');
  await clock.advance(1000);
  assert.equal(await again, undefined);
});

test('the cache keeps the most recent entries only', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const s = new CompletionScheduler(async (k) => { calls++; return k.prefix; }, { debounceMs: 0, timeoutMs: 1000, cacheSize: 2 }, clock);
  for (const p of ['a', 'b', 'c']) await Promise.all([s.complete(key(p), new Token()), clock.advance(0)]);
  assert.equal(calls, 3);
  await Promise.all([s.complete(key('a'), new Token()), clock.advance(0)]);
  assert.equal(calls, 4, '"a" was evicted');
  await s.complete(key('c'), new Token());
  assert.equal(calls, 4, '"c" is still cached');
});

test('a refused request is reported once and not asked again for that context until the cache is cleared', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const reported: string[] = [];
  const refusal = new Error('residual-means.json is missing: … Run `lape detect --residual-means --out DIR` …');
  const s = new CompletionScheduler(async (k) => { calls++; if (k.context === 'diffmean') throw refusal; return 'ok'; }, {
    debounceMs: 10, timeoutMs: 1000, cacheSize: 10,
    onError: (error) => { reported.push((error as Error).message); return true; },
  }, clock);
  const dm = (prefix: string): CompletionKey => ({ prefix, suffix: '', context: 'diffmean' });
  const first = s.complete(dm('a'), new Token());
  await clock.advance(10);
  assert.equal(await first, undefined);
  assert.deepEqual(reported, [refusal.message]);
  for (const p of ['ab', 'abc']) assert.equal(await s.complete(dm(p), new Token()), undefined, 'no debounce, no request');
  assert.equal(calls, 1);
  assert.equal(reported.length, 1, 'reported once');
  const other = s.complete({ prefix: 'ab', suffix: '', context: 'force fr' }, new Token());
  await clock.advance(10);
  assert.equal(await other, 'ok', 'another context is still asked');
  s.clear(); // say, the results were detected again with --residual-means
  const retry = s.complete(dm('ab'), new Token());
  await clock.advance(10);
  assert.equal(await retry, undefined);
  assert.equal(calls, 3);
  assert.equal(reported.length, 2);
});

test('a failure the handler calls transient, a time-out or a cancellation does not stop later requests', async () => {
  const clock = new FakeClock();
  let calls = 0;
  let errors = 0;
  const s = new CompletionScheduler((_k, signal) => { calls++; return calls === 1 ? Promise.reject(new Error('process died')) : new Promise<string>((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))); }, {
    debounceMs: 10, timeoutMs: 100, cacheSize: 10,
    onError: () => { errors++; return false; },
  }, clock);
  const first = s.complete(key('a'), new Token());
  await clock.advance(10);
  assert.equal(await first, undefined);
  const timedOut = s.complete(key('a'), new Token());
  await clock.advance(10);
  await clock.advance(100);
  assert.equal(await timedOut, undefined);
  assert.equal(calls, 2, 'asked again after a transient failure');
  assert.equal(errors, 1, 'the time-out is not reported as an error');
  const t = new Token();
  const cancelled = s.complete(key('a'), t);
  await clock.advance(10);
  t.cancel();
  assert.equal(await cancelled, undefined);
  assert.equal(calls, 3);
  assert.equal(errors, 1);
});
