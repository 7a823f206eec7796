import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AnalysisClient } from '../../src/extension/AnalysisClient.ts';
import { ModelInfoRequest, StatusRequest } from '../../src/protocol/analysisProtocol.ts';
import { buildFakeEntry } from '../protocol/fixtures/buildFakeEntry.ts';

const entry = await buildFakeEntry();

test('the process exits when its parent closes the IPC channel', async () => {
  const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  // The first message is the JSON-RPC ready notification.
  const [ready] = await once(child, 'message');
  assert.equal((ready as { method: string }).method, 'analysis/ready');
  child.disconnect();
  const [code, signal] = await once(child, 'exit');
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
});

test('without an IPC channel it refuses to start and says how to start it', async () => {
  const child = spawn(process.execPath, [entry], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
  const [code] = await once(child, 'exit');
  assert.equal(code, 2);
  assert.match(stderr, /start it with child_process\.fork/);
});

test('an uncaught exception is logged to stderr and the process keeps serving', async (t) => {
  const client = new AnalysisClient({ modulePath: entry });
  t.after(() => client.dispose());
  let output = '';
  const logged = new Promise<void>((resolve) => client.onOutput((text) => {
    output += text;
    if (output.includes('Uncaught exception in the analysis process: Error: stray callback error')) resolve();
  }));
  const { pid } = await client.start();
  await client.request(ModelInfoRequest, { model: 'uncaught' });
  await logged;
  assert.equal((await client.request(StatusRequest)).pid, pid);
  assert.equal(client.state, 'running');
});
