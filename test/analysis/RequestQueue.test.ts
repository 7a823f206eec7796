import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestQueue } from '../../src/analysis/RequestQueue.ts';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

test('jobs run one at a time, in arrival order', async () => {
  const queue = new RequestQueue();
  const events: string[] = [];
  const gate = deferred();
  const a = queue.run('a', new AbortController().signal, async () => { events.push('a start'); await gate.promise; events.push('a end'); return 1; });
  const b = queue.run('b', new AbortController().signal, async () => { events.push('b start'); return 2; });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['a start']);
  assert.equal(queue.running, 'a');
  assert.equal(queue.queued, 1);
  gate.resolve();
  assert.deepEqual(await Promise.all([a, b]), [1, 2]);
  assert.deepEqual(events, ['a start', 'a end', 'b start']);
  assert.equal(queue.running, null);
});

test('a job cancelled while it waits never runs, and the queue moves on', async () => {
  const queue = new RequestQueue();
  const gate = deferred();
  const ran: string[] = [];
  const first = queue.run('first', new AbortController().signal, async () => { ran.push('first'); await gate.promise; });
  const controller = new AbortController();
  const second = queue.run('second', controller.signal, async () => { ran.push('second'); });
  const third = queue.run('third', new AbortController().signal, async () => { ran.push('third'); });
  controller.abort(new Error('stop'));
  await assert.rejects(second, /stop/);
  assert.equal(queue.queued, 1);
  gate.resolve();
  await Promise.all([first, third]);
  assert.deepEqual(ran, ['first', 'third']);
});

test('a job that throws synchronously or rejects does not stall the queue', async () => {
  const queue = new RequestQueue();
  const signal = new AbortController().signal;
  await assert.rejects(queue.run('sync', signal, () => { throw new Error('boom'); }), /boom/);
  await assert.rejects(queue.run('async', signal, async () => { throw new Error('bang'); }), /bang/);
  assert.equal(await queue.run('ok', signal, async () => 'fine'), 'fine');
});

test('an already aborted signal rejects at once', async () => {
  const queue = new RequestQueue();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(queue.run('x', controller.signal, async () => 1), { name: 'AbortError' });
});
