import assert from 'node:assert/strict';
import type { E2EEnv } from '../support/e2eEnv.ts';
import type { Workbench } from '../support/Workbench.ts';
import { DEFAULT_LANGUAGES, treeLayerCounts } from './detect.ts';

interface CanvasState {
  card: string;
  width: number;
  height: number;
  /** Distinct colours on a sampling grid: 1 is a blank canvas. */
  colors: number;
}

/** Every visible canvas of the panel, with how many colours it holds. */
async function canvases(wb: Workbench): Promise<CanvasState[]> {
  return wb.webview().locator('canvas').evaluateAll((list) => list.filter((c) => (c as HTMLElement).offsetParent !== null).map((el) => {
    const canvas = el as HTMLCanvasElement;
    const card = canvas.closest('[id^="card-"]')?.id ?? '?';
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return { card, width: canvas.width, height: canvas.height, colors: 0 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return { card, width: canvas.width, height: canvas.height, colors: seen.size };
  }));
}

async function legend(wb: Workbench, card: string): Promise<string[]> {
  return wb.webview().locator(`#card-${card} .legend-item`).evaluateAll((items) => items.map((i) => i.getAttribute('data-label') ?? ''));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (error) { last = error; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Scenario 2: the LAPE charts panel. Every chart draws (no blank canvas), each language
 * has a legend entry, and moving the top_rate slider changes the tree's counts.
 */
export async function chartsScenario(wb: Workbench, _env: E2EEnv): Promise<void> {
  await wb.setSideBarWidth(420);
  await wb.runCommand('Language Neurons: Open LAPE Charts');
  const view = wb.webview();
  await view.locator('#card-perLayer canvas').waitFor({ timeout: 60_000 });
  // The activation chart draws the neurons picked in the list: pick the first.
  await view.locator('#neuron-list option').first().waitFor({ state: 'attached', timeout: 30_000 });
  await view.locator('#neuron-list').selectOption({ index: 0 });

  const drawn = await until('every chart to draw', async () => {
    const list = await canvases(wb);
    return list.length >= 4 && list.every((c) => c.width > 0 && c.height > 0 && c.colors > 1) ? list : undefined;
  }, 30_000);
  const cards = drawn.map((c) => c.card);
  for (const id of ['card-perLayer', 'card-lapeHistogram', 'card-overlap', 'card-activation']) assert.ok(cards.includes(id), `${id} has a drawn canvas (${cards.join(', ')})`);
  for (const card of ['perLayer', 'overlap', 'activation']) {
    const labels = await legend(wb, card);
    for (const code of DEFAULT_LANGUAGES) assert.ok(labels.includes(code), `${card} legend names ${code}: ${labels.join(', ')}`);
  }
  await wb.clearNotifications();
  await wb.screenshot('charts.png');

  // top_rate to its maximum: more neurons are selected, and the tree follows.
  const before = await treeLayerCounts(wb);
  const slider = view.locator('#slider-topRate');
  const initial = await slider.inputValue();
  await slider.focus();
  await wb.page.keyboard.press('End');
  const after = await until('the tree to show the new counts', async () => {
    const now = await treeLayerCounts(wb);
    return JSON.stringify(now) !== JSON.stringify(before) ? now : undefined;
  }, 60_000);
  const total = (rows: Record<string, number>[]) => rows.reduce((s, r) => s + Object.values(r).reduce((a, b) => a + b, 0), 0);
  assert.ok(total(after) > total(before), `top_rate 5% selects more than 1%: ${total(after)} vs ${total(before)}`);

  // Back to the default, which the later scenarios steer with: the tree returns to the CLI's counts.
  await slider.fill(initial);
  await until('the tree to show the default counts again', async () => {
    const now = await treeLayerCounts(wb);
    return JSON.stringify(now) === JSON.stringify(before) ? now : undefined;
  }, 60_000);
}
