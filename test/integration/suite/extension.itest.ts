import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DebugState } from '../../../src/extension/registerDebugState.ts';
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
      assert.equal(typeof pid, 'number');
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
    name: 'reports the extension host event-loop lag',
    async run() {
      await activate();
      const lag = await vscode.commands.executeCommand<{ running: boolean }>('languageNeurons.debug.eventLoopLag');
      assert.equal(typeof lag.running, 'boolean');
    },
  },
]);
