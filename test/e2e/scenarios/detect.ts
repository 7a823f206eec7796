import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { E2EEnv } from '../support/e2eEnv.ts';
import { countsByLayer, lapeDetect, parseLayerCounts, type CliDetection } from '../support/lapeCli.ts';
import type { TreeRow, Workbench } from '../support/Workbench.ts';

/** The extension's defaults (package.json: languageNeurons.detection.*), given to the CLI as well. */
export const DEFAULT_LANGUAGES = ['en', 'zh', 'fr', 'es', 'vi', 'id', 'ja'];
export const DEFAULT_BUDGET = 20_000;
const DETECTION_MS = 8 * 60_000;

/** Layer rows of the tree as `{ en: 3, zh: 5 }` records, by layer number. */
export async function treeLayerCounts(wb: Workbench): Promise<Record<string, number>[]> {
  const rows: TreeRow[] = await wb.treeRows();
  const layers: Record<string, number>[] = [];
  for (const row of rows) {
    const m = /^Layer (\d+)$/.exec(row.label);
    // Only the layer rows under the model (level 2), not layers under a language.
    if (m && row.level === 2) layers[Number(m[1])] = parseLayerCounts(row.description);
  }
  return layers;
}

/** Palette → Detect Language Neurons, through its three inputs; `budget` replaces the default. */
export async function runDetect(wb: Workbench, budget?: number): Promise<string> {
  const { page } = wb;
  await wb.runCommand('Language Neurons: Detect Language Neurons');
  await wb.waitForQuickInput('(1/3)');
  await page.keyboard.press('Enter'); // the preselected default languages
  await wb.waitForQuickInput('(2/3)');
  await page.keyboard.press('Enter'); // the built-in UDHR corpus, listed first
  await wb.waitForQuickInput('(3/3)');
  if (budget !== undefined) await wb.quickInput().fill(String(budget));
  await page.keyboard.press('Enter');
  await wb.waitForProgressToFinish(/Detecting language neurons/, DETECTION_MS);
  return wb.notificationText(/Found \d+ language-specific neurons/, 30_000);
}

/**
 * Scenario 1: the view, the demo model, detection with the defaults; the tree's per-layer
 * counts are the CLI's for the same model, languages, corpus and budget.
 */
export async function detectScenario(wb: Workbench, env: E2EEnv): Promise<void> {
  const pane = await wb.openView();
  await pane.getByRole('button', { name: 'Use the Demo Model' }).click();
  await wb.notificationText(/Model ready: lape-demo\.gguf/, 120_000);

  const found = await runDetect(wb);
  assert.match(found, /Found \d+ language-specific neurons \(en \d+/);

  // The CLI on the same model file (the VSIX ships models/demo as it is here), after the
  // extension's run, not beside it: two detections on two cores would starve the extension
  // host, and the event-loop lag it logs for this detection would measure that instead.
  const cli: Promise<CliDetection> = lapeDetect(env.root, [
    '--model', 'demo', '--langs', DEFAULT_LANGUAGES.join(','), '--corpus', 'udhr', '--budget', String(DEFAULT_BUDGET),
    '--out', join(env.runDir, 'cli-results'), '--quiet',
  ], DETECTION_MS);

  await wb.openView();
  await pane.locator('.monaco-list-row', { hasText: 'Layer 0' }).first().waitFor({ timeout: 30_000 });
  const tree = await treeLayerCounts(wb);
  const expected = countsByLayer(await cli);
  assert.equal(tree.length, expected.length, `layers in the tree: ${tree.length}, in the model: ${expected.length}`);
  assert.deepEqual(tree, expected, 'per-layer, per-language counts: tree vs lape detect --json');

  // Open the busiest layer for the picture.
  const busiest = expected.reduce((best, row, i) => (Object.values(row).reduce((a, b) => a + b, 0) > Object.values(expected[best]).reduce((a, b) => a + b, 0) ? i : best), 0);
  await pane.locator('.monaco-list-row', { hasText: `Layer ${busiest}` }).first().click();
  await pane.locator('.monaco-list-row[aria-level="3"]').first().waitFor({ timeout: 10_000 });
  await wb.clearNotifications();
  await wb.setSideBarWidth(560);
  await wb.screenshot('tree.png');
}
