import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { AnalysisClient, type AnalysisClientState, type CrashEvent } from '../../src/extension/AnalysisClient.ts';
import { AnalysisError } from '../../src/extension/analysisErrors.ts';
import { RestartPolicy } from '../../src/extension/RestartPolicy.ts';
import { buildFakeEntry } from './fixtures/buildFakeEntry.ts';
import { DetectRequest, GenerateRequest, ModelInfoRequest, OpenResultsRequest, StatusRequest, type PipelineProgress } from '../../src/protocol/analysisProtocol.ts';

// A real child process: the production process glue with a fake pipeline, bundled once.
const entry = await buildFakeEntry();

function createClient(policy = new RestartPolicy()): { client: AnalysisClient; output: string[] } {
  const client = new AnalysisClient({ modulePath: entry, restartPolicy: policy, readyTimeoutMs: 20_000 });
  const output: string[] = [];
  client.onOutput((text) => output.push(text));
  return { client, output };
}

function nextEvent<T>(subscribe: (listener: (e: T) => void) => { dispose(): void }, accept: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const subscription = subscribe((e) => {
      if (!accept(e)) return;
      subscription.dispose();
      resolve(e);
    });
  });
}

function outputIncludes(client: AnalysisClient, output: string[], needle: string): Promise<void> {
  if (output.join('').includes(needle)) return Promise.resolve();
  return nextEvent(client.onOutput, () => output.join('').includes(needle)).then(() => undefined);
}

test('the client forks the process, waits for ready and gets answers with progress in order', async (t) => {
  const { client } = createClient();
  t.after(() => client.dispose());
  const ready = await client.start();
  assert.equal(ready.pid, client.pid);
  assert.equal(client.state, 'running');
  const progress: PipelineProgress[] = [];
  const view = await client.request(DetectRequest, { model: 'm', languages: ['en'], outDir: '/tmp/x', budget: 4 }, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(progress.map((p) => p.done), [1, 2, 3, 4]);
  assert.equal(view.summary.model.fileName, 'tiny-model.gguf');
  const text: string[] = [];
  const generated = await client.request(GenerateRequest, { model: 'm', prompt: 'a b' }, { onText: (s) => text.push(s) });
  assert.equal(text.join(''), generated.text);
  const status = await client.request(StatusRequest);
  assert.equal(status.pid, client.pid);
});

test('cancelling reaches the pipeline and the request rejects as cancelled', async (t) => {
  const { client, output } = createClient();
  t.after(() => client.dispose());
  const source = new CancellationTokenSource();
  const pending = client.request(DetectRequest, { model: 'm', languages: ['hang'], outDir: '/tmp/x', budget: 1 }, { token: source.token, label: 'Detecting' });
  await outputIncludes(client, output, 'fake: detect hang');
  assert.deepEqual(client.activeRequests.map((r) => r.label), ['Detecting']);
  source.cancel();
  await assert.rejects(pending, (e: unknown) => e instanceof AnalysisError && e.kind === 'cancelled');
  await outputIncludes(client, output, 'fake: detect aborted');
  assert.deepEqual(client.activeRequests, []);
});

test('pipeline failures arrive as AnalysisError with the pipeline error code', async (t) => {
  const { client } = createClient();
  t.after(() => client.dispose());
  await assert.rejects(client.request(OpenResultsRequest, { resultsDir: 'missing' }), (e: unknown) =>
    e instanceof AnalysisError && e.kind === 'failed' && e.data?.code === 'no-results' && /summary\.json is missing/.test(e.message));
});

test('a crash fails the in-flight request with a clear message and the process comes back', async (t) => {
  const { client, output } = createClient();
  t.after(() => client.dispose());
  await client.start();
  const firstPid = client.pid!;
  const pending = client.request(DetectRequest, { model: 'm', languages: ['hang'], outDir: '/tmp/x', budget: 1 }, { label: 'Detecting language neurons' });
  await outputIncludes(client, output, 'fake: detect hang');
  const crashed = nextEvent<CrashEvent>(client.onDidCrash);
  process.kill(firstPid, 'SIGKILL');
  await assert.rejects(pending, (e: unknown) => {
    assert.ok(e instanceof AnalysisError);
    assert.equal(e.kind, 'processDied');
    assert.match(e.message, /stopped unexpectedly \(killed by SIGKILL\) while running Detecting language neurons/);
    return true;
  });
  assert.deepEqual(await crashed, { code: null, signal: 'SIGKILL', restarting: true, recentCrashes: 1 });
  const info = await client.request(ModelInfoRequest, { model: 'after' });
  assert.equal(info.fileName, 'after.gguf');
  assert.notEqual(client.pid, firstPid);
});

test('after three crashes within the window the client gives up until restarted', async (t) => {
  let now = 0;
  const { client } = createClient(new RestartPolicy({ maxCrashes: 3, windowMs: 180_000, now: () => now }));
  t.after(() => client.dispose());
  const states: AnalysisClientState[] = [];
  client.onDidChangeState((s) => states.push(s));
  for (let crash = 1; crash <= 3; crash++) {
    await client.start();
    now += 10_000;
    const event = nextEvent<CrashEvent>(client.onDidCrash);
    process.kill(client.pid!, 'SIGKILL');
    const { restarting, recentCrashes } = await event;
    assert.deepEqual({ restarting, recentCrashes }, { restarting: crash < 3, recentCrashes: crash });
  }
  assert.equal(client.state, 'failed');
  assert.equal(client.pid, undefined);
  await assert.rejects(client.request(StatusRequest), (e: unknown) => e instanceof AnalysisError && e.kind === 'notRunning' && /Restart Analysis Process/.test(e.message));
  await client.restart();
  assert.equal(client.state, 'running');
  assert.equal((await client.request(StatusRequest)).pid, client.pid);
  assert.equal(states.at(-1), 'running');
  assert.ok(states.includes('failed'));
});

test('crashes spread wider than the window keep being restarted', async (t) => {
  let now = 0;
  const { client } = createClient(new RestartPolicy({ maxCrashes: 3, windowMs: 180_000, now: () => now }));
  t.after(() => client.dispose());
  for (let crash = 1; crash <= 4; crash++) {
    await client.start();
    now += 100_000;
    const event = nextEvent<CrashEvent>(client.onDidCrash);
    process.kill(client.pid!, 'SIGKILL');
    assert.equal((await event).restarting, true);
  }
});

test('a stray process.exit is logged with its stack, the answer still goes out, then the process ends', async (t) => {
  const { client, output } = createClient();
  t.after(() => client.dispose());
  await client.start();
  const crashed = nextEvent<CrashEvent>(client.onDidCrash);
  assert.equal((await client.request(ModelInfoRequest, { model: 'exit' })).fileName, 'exit.gguf');
  assert.deepEqual(await crashed, { code: 3, signal: null, restarting: true, recentCrashes: 1 });
  assert.match(output.join(''), /asked to exit \(code 3\):\nError: process.exit called/);
});

test('stop shuts the process down without counting a crash', async (t) => {
  const { client } = createClient();
  t.after(() => client.dispose());
  await client.start();
  const pid = client.pid!;
  let crashes = 0;
  client.onDidCrash(() => crashes++);
  await client.stop();
  assert.equal(client.state, 'stopped');
  assert.equal(crashes, 0);
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
});

test('background requests stay out of the activity the status bar shows', async (t) => {
  const { client } = createClient();
  t.after(() => client.dispose());
  await client.start();
  const seen: string[][] = [];
  client.onDidChangeActivity((a) => seen.push(a.map((r) => r.label)));
  await client.request(GenerateRequest, { model: 'm', prompt: 'x' }, { background: true, label: 'Completing' });
  await client.request(GenerateRequest, { model: 'm', prompt: 'x' }, { label: 'Generating' });
  assert.deepEqual(seen.filter((labels) => labels.length > 0), [['Generating']]);
});
