import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DebugState } from '../../../src/extension/registerDebugState.ts';
import type { EventLoopLagState } from '../../../src/extension/registerEventLoopLag.ts';
import { defineSuite, waitFor } from './defineSuite.ts';

const EXTENSION_ID = 'language-neurons.language-neurons';

const state = (): Thenable<DebugState> => vscode.commands.executeCommand<DebugState>('languageNeurons.debug.state');

async function activate(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test instance`);
  await extension.activate();
  return extension;
}

/**
 * The extension inside a real extension host, on the workspace that build.ts prepares
 * (a `.lape/tiny/` results folder written like the CLI writes it).
 */
export const run = defineSuite('Language Neurons extension', [
  {
    name: 'activates and registers every contributed command',
    async run() {
      const extension = await activate();
      const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
    },
  },
  {
    name: 'loads the results folder of the workspace through the analysis process',
    async run() {
      await activate();
      const loaded = await waitFor('results in .lape/', async () => (await state()).results.find((r) => r.model === 'tiny-model.gguf'));
      assert.deepEqual(loaded.languages, ['en', 'zh', 'fr']);
      assert.equal(loaded.selected, 5);
      assert.equal(loaded.origin, 'workspace');
    },
  },
  {
    name: 'restarts the analysis process after it is killed',
    async run() {
      await activate();
      const pid = await vscode.commands.executeCommand<number>('languageNeurons.debug.analysisPid');
      // The pid is the running analysis process the client talks to: alive, not this host.
      assert.ok(Number.isInteger(pid) && pid > 0 && pid !== process.pid, `analysis pid ${pid}`);
      assert.equal((await state()).process.pid, pid);
      assert.equal(process.kill(pid, 0), true, `process ${pid} is alive`);
      process.kill(pid, 'SIGKILL');
      const next = await waitFor('a new analysis process', async () => {
        const s = await state();
        return s.process.state === 'running' && s.process.pid !== undefined && s.process.pid !== pid ? s.process.pid : undefined;
      });
      assert.notEqual(next, pid);
      assert.equal(await vscode.commands.executeCommand<number>('languageNeurons.debug.analysisPid'), next);
    },
  },
  {
    name: 'tree actions write plain data into the steering set',
    async run() {
      await activate();
      const { results } = await state();
      const dir = results.find((r) => r.model === 'tiny-model.gguf')!.dir;
      await vscode.commands.executeCommand('languageNeurons.neurons.deactivate', { kind: 'language', dir, language: 1 });
      await vscode.commands.executeCommand('languageNeurons.neurons.activate', { kind: 'neuron', dir, layer: 1, index: 5, language: 2 });
      const { steering } = await state();
      const spec = steering.sets.find((s) => s.name === steering.active)!.spec;
      assert.deepEqual(spec.deactivate, ['zh']);
      assert.deepEqual(spec.neurons, [{ layer: 1, index: 5, mode: 'mean', value: 0.25 }]);
      await vscode.commands.executeCommand('languageNeurons.steering.toggle');
      assert.equal((await state()).steering.enabled, !steering.enabled);
    },
  },
  {
    name: 'opens the LAPE panel as a webview',
    async run() {
      await activate();
      await vscode.commands.executeCommand('languageNeurons.openCharts');
      // The title names the model once the webview has run its script and said it is ready.
      const tab = await waitFor('the LAPE panel tab showing the results', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('languageNeurons.lapePanel') && /tiny-model\.gguf/.test(t.label)));
      assert.equal(tab.label, 'LAPE: tiny-model.gguf');
    },
  },
  {
    name: 'measures the extension host event-loop lag while a request to the analysis process runs',
    async run() {
      await activate();
      const lag = (): Thenable<EventLoopLagState> => vscode.commands.executeCommand<EventLoopLagState>('languageNeurons.debug.eventLoopLag');
      const before = JSON.stringify((await lag()).last);
      // Refreshing reopens the workspace's results folder through the analysis process.
      await vscode.commands.executeCommand('languageNeurons.refreshResults');
      const report = await waitFor('a lag report of the refresh', async () => {
        const s = await lag();
        return !s.running && s.last !== undefined && JSON.stringify(s.last) !== before ? s.last : undefined;
      });
      assert.equal(report.label, 'Opening results');
      assert.ok(report.durationMs >= 0 && report.samples >= 0, JSON.stringify(report));
      assert.ok(report.maxLagMs >= report.meanLagMs && report.meanLagMs >= 0, JSON.stringify(report));
    },
  },
]);
