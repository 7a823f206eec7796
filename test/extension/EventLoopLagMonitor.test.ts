import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoopLagMonitor } from '../../src/extension/EventLoopLagMonitor.ts';

function fakeTimers() {
  let now = 0;
  let tick: (() => void) | undefined;
  return {
    options: {
      intervalMs: 25,
      now: () => now,
      setInterval: (cb: () => void) => { tick = cb; return 1; },
      clearInterval: () => { tick = undefined; },
    },
    /** Advances the clock and fires the timer, as a late or punctual event loop would. */
    fire(afterMs: number) { now += afterMs; tick?.(); },
    get armed() { return tick !== undefined; },
  };
}

test('reports the worst delay beyond the interval while it runs', () => {
  const timers = fakeTimers();
  const monitor = new EventLoopLagMonitor(timers.options);
  monitor.start('detect');
  timers.fire(25);
  timers.fire(125);
  timers.fire(30);
  assert.deepEqual(monitor.current(), { maxLagMs: 100, maxAtMs: 150, meanLagMs: 35, samples: 3, label: 'detect', durationMs: 180 });
  const report = monitor.stop();
  assert.equal(report?.maxLagMs, 100);
  assert.equal(timers.armed, false);
  assert.equal(monitor.lastReport, report);
  assert.equal(monitor.current(), undefined);
});

test('each start measures afresh', () => {
  const timers = fakeTimers();
  const monitor = new EventLoopLagMonitor(timers.options);
  monitor.start();
  timers.fire(500);
  monitor.stop();
  monitor.start();
  timers.fire(26);
  assert.equal(monitor.stop()?.maxLagMs, 1);
});

test('with real timers, a blocked event loop shows as lag', async () => {
  const monitor = new EventLoopLagMonitor({ intervalMs: 10 });
  monitor.start();
  await new Promise((r) => setTimeout(r, 30));
  // Blocks this thread for 120 ms without spinning, as a synchronous call in the host would.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120);
  await new Promise((r) => setTimeout(r, 30));
  const report = monitor.stop();
  assert.ok(report && report.maxLagMs >= 80, `max lag ${report?.maxLagMs}`);
});
