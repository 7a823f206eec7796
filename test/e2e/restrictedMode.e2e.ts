// Phase "trust": workspace trust on. A folder whose settings name a model opens in
// restricted mode; the model is neither chosen nor loaded until the folder is trusted.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { e2eEnv, NOT_IN_HARNESS, type E2EEnv } from './support/e2eEnv.ts';
import { Workbench } from './support/Workbench.ts';

const env = e2eEnv();
const MINUTE = 60_000;
const MODEL_NAME = 'workspace-model.gguf';
let wb: Workbench | undefined;

after(async () => {
  if (wb) await wb.screenshot('restricted-mode-last.png').catch(() => {});
  await wb?.close();
});

/** Processes that have the model file mapped: llama.cpp mmaps the GGUF it loads. */
function processesMapping(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/maps`, 'utf8').includes(path)) pids.push(Number(entry));
    } catch { /* exited, or not ours */ }
  }
  return pids;
}

function prepareFolder(e: E2EEnv): string {
  const model = join(e.workspace, 'models', MODEL_NAME);
  mkdirSync(join(e.workspace, 'models'), { recursive: true });
  mkdirSync(join(e.workspace, '.vscode'), { recursive: true });
  copyFileSync(join(e.root, 'models', 'demo', 'lape-demo.gguf'), model);
  writeFileSync(join(e.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'languageNeurons.modelPath': model, 'languageNeurons.detection.budget': 256 }, null, 2));
  return model;
}

test('5. Restricted mode: the workspace model path is used only once the folder is trusted', { skip: env === undefined ? NOT_IN_HARNESS : false, timeout: 8 * MINUTE }, async () => {
  const e = env!;
  const model = prepareFolder(e);
  wb = await Workbench.open(e);
  const { page } = wb;

  // Untrusted and not yet decided: the folder opens in restricted mode (code-server may ask first; decline).
  const restricted = page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
  const decline = page.getByRole('button', { name: /No, I don.t trust the authors/ });
  await restricted.or(decline).first().waitFor({ timeout: 60_000 });
  if (await decline.isVisible()) await decline.click();
  await restricted.waitFor({ timeout: 30_000 });

  // With no model from trusted settings, Detect first asks for one (and activates the extension).
  await wb.runCommand('Language Neurons: Detect Language Neurons');
  await wb.waitForQuickInput('Choose the model to analyse');
  await page.keyboard.press('Escape');
  const status = wb.statusBarItem();
  await status.waitFor({ timeout: 60_000 });
  assert.match(await status.innerText(), /No model/, 'the status bar names no model');
  assert.deepEqual(processesMapping(model), [], 'no process has the workspace model open');
  await wb.screenshot('restricted-mode.png');

  // Trust the folder: the workspace setting now counts, and Detect loads that model.
  await wb.runCommand('Workspaces: Manage Workspace Trust');
  await page.getByRole('button', { name: /^Trust( Folder)?$/ }).first().click({ timeout: 30_000 });
  await status.filter({ hasText: MODEL_NAME }).waitFor({ timeout: 30_000 });
  await wb.runCommand('Language Neurons: Detect Language Neurons');
  await wb.waitForQuickInput('(1/3)');
  await page.keyboard.press('Enter');
  await wb.waitForQuickInput('(2/3)');
  await page.keyboard.press('Enter');
  await wb.waitForQuickInput('(3/3)');
  await page.keyboard.press('Enter');
  await wb.waitForProgressToFinish(/Detecting language neurons/, 5 * MINUTE);
  await wb.notificationText(/Found \d+ language-specific neurons/, 30_000);
  assert.ok(processesMapping(model).length > 0, 'after trust, the analysis process has the workspace model open');
});
