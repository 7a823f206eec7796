import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { CancellationTokenSource, ResponseError, StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import { AnalysisServer } from '../../src/analysis/AnalysisServer.ts';
import {
  ANALYSIS_PROTOCOL_VERSION, AnalysisErrorCodes, DetectRequest, GenerateRequest, GeneratedTextNotification, LanguagesRequest, ModelInfoRequest,
  OpenResultsRequest, ProgressNotification, ReadyNotification, ShutdownRequest, StatusRequest, type PipelineProgress, type ReadyParams,
} from '../../src/protocol/analysisProtocol.ts';
import { createFakeBackend } from '../protocol/fixtures/fakeBackend.ts';

interface Harness {
  client: MessageConnection;
  server: AnalysisServer;
  log: string[];
  ready: Promise<ReadyParams>;
  shutdowns: number;
  close(): void;
}

/** Client and server connected by two in-memory streams. */
function connect(): Harness {
  const up = new PassThrough();
  const down = new PassThrough();
  const log: string[] = [];
  const serverConnection = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const ready = new Promise<ReadyParams>((resolve) => client.onNotification(ReadyNotification, resolve));
  client.listen();
  const harness: Harness = {
    client, log, ready, shutdowns: 0,
    server: new AnalysisServer({ connection: serverConnection, backend: createFakeBackend((l) => log.push(l)), pid: 4242, onShutdown: () => { harness.shutdowns++; } }),
    close() {
      harness.server.dispose();
      client.dispose();
      serverConnection.dispose();
    },
  };
  harness.server.listen();
  return harness;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setImmediate(r));
}

test('the server announces itself with its pid and protocol version', async () => {
  const h = connect();
  assert.deepEqual(await h.ready, { pid: 4242, protocolVersion: ANALYSIS_PROTOCOL_VERSION, node: process.version });
  h.close();
});

test('progress notifications arrive in order, keyed by the progress token, before the answer', async () => {
  const h = connect();
  const seen: PipelineProgress[] = [];
  h.client.onNotification(ProgressNotification, ({ token, progress }) => { if (token === 't1') seen.push(progress); });
  const view = await h.client.sendRequest(DetectRequest, { model: 'm', languages: ['en'], outDir: '/tmp/x', budget: 5, progressToken: 't1' });
  assert.deepEqual(seen.map((p) => p.done), [1, 2, 3, 4, 5]);
  assert.deepEqual(view.summary.languages, ['en', 'zh', 'fr']);
  h.close();
});

test('cancellation reaches the pipeline as an aborted signal and the request fails as cancelled', async () => {
  const h = connect();
  const source = new CancellationTokenSource();
  const pending = h.client.sendRequest(DetectRequest, { model: 'm', languages: ['hang'], outDir: '/tmp/x', budget: 1 }, source.token);
  await until(() => h.log.includes('fake: detect hang'));
  source.cancel();
  await assert.rejects(pending, (e: unknown) => e instanceof ResponseError && e.code === AnalysisErrorCodes.Cancelled);
  assert.ok(h.log.includes('fake: detect aborted'));
  h.close();
});

test('long requests wait their turn; quick ones and status answer meanwhile', async () => {
  const h = connect();
  const source = new CancellationTokenSource();
  const detect = h.client.sendRequest(DetectRequest, { model: 'm', languages: ['hang'], outDir: '/tmp/x', budget: 1 }, source.token);
  await until(() => h.log.includes('fake: detect hang'));
  let infoDone = false;
  const info = h.client.sendRequest(ModelInfoRequest, { model: 'second' }).then((r) => { infoDone = true; return r; });
  const opened = await h.client.sendRequest(OpenResultsRequest, { resultsDir: '/r' });
  assert.equal(opened.summary.model.nLayer, 3);
  assert.deepEqual((await h.client.sendRequest(LanguagesRequest)).map((l) => l.code), ['en', 'zh']);
  const status = await h.client.sendRequest(StatusRequest);
  assert.equal(status.running, 'analysis/detect');
  assert.equal(status.queued, 1);
  assert.equal(infoDone, false);
  assert.ok(!h.log.includes('fake: modelInfo second'));
  source.cancel();
  await assert.rejects(detect);
  assert.equal((await info).fileName, 'second.gguf');
  h.close();
});

test('a queued request cancelled before its turn never reaches the pipeline', async () => {
  const h = connect();
  const first = new CancellationTokenSource();
  const second = new CancellationTokenSource();
  const detect = h.client.sendRequest(DetectRequest, { model: 'm', languages: ['hang'], outDir: '/tmp/x', budget: 1 }, first.token);
  await until(() => h.log.includes('fake: detect hang'));
  const info = h.client.sendRequest(ModelInfoRequest, { model: 'queued' }, second.token);
  while ((await h.client.sendRequest(StatusRequest)).queued < 1) { /* the request is still on its way */ }
  second.cancel();
  await assert.rejects(info, (e: unknown) => e instanceof ResponseError && e.code === AnalysisErrorCodes.Cancelled);
  first.cancel();
  await assert.rejects(detect);
  assert.ok(!h.log.includes('fake: modelInfo queued'));
  h.close();
});

test('pipeline errors keep their message, class and code', async () => {
  const h = connect();
  await assert.rejects(h.client.sendRequest(OpenResultsRequest, { resultsDir: 'missing' }), (e: unknown) => {
    assert.ok(e instanceof ResponseError);
    assert.equal(e.code, AnalysisErrorCodes.Failed);
    assert.match(e.message, /missing\/summary\.json is missing/);
    assert.deepEqual({ name: e.data.name, code: e.data.code }, { name: 'PipelineError', code: 'no-results' });
    return true;
  });
  h.close();
});

test('generate streams its text as notifications and answers with the whole text', async () => {
  const h = connect();
  const chunks: string[] = [];
  h.client.onNotification(GeneratedTextNotification, ({ token, text }) => { if (token === 'g') chunks.push(text); });
  const result = await h.client.sendRequest(GenerateRequest, { model: 'm', prompt: 'one two three', progressToken: 'g' });
  assert.deepEqual(chunks, ['one ', 'two ', 'three ']);
  assert.equal(result.text, chunks.join(''));
  h.close();
});

test('shutdown disposes the pipeline, answers, then asks the process glue to exit', async () => {
  const h = connect();
  await h.client.sendRequest(ModelInfoRequest, { model: 'loaded' });
  await h.client.sendRequest(ShutdownRequest);
  await until(() => h.shutdowns === 1);
  assert.ok(h.log.includes('fake: dispose'));
  await assert.rejects(h.client.sendRequest(ModelInfoRequest, { model: 'late' }), (e: unknown) => e instanceof ResponseError && e.code === AnalysisErrorCodes.Cancelled);
  h.close();
});

test('shutdown aborts a running request and waits for it before freeing the pipeline', async () => {
  const h = connect();
  const detect = h.client.sendRequest(DetectRequest, { model: 'm', languages: ['hang'], outDir: '/tmp/x', budget: 1 });
  const detectFails = assert.rejects(detect, (e: unknown) => e instanceof ResponseError && e.code === AnalysisErrorCodes.Cancelled);
  await until(() => h.log.includes('fake: detect hang'));
  await h.client.sendRequest(ShutdownRequest);
  await detectFails;
  assert.deepEqual(h.log.filter((l) => /aborted|dispose/.test(l)), ['fake: detect aborted', 'fake: dispose']);
  await until(() => h.shutdowns === 1);
  h.close();
});
